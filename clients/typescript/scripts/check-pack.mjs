// Checks the published layout: `npm pack --dry-run --json` must hold the built ESM entry points and their types,
// the README and package.json, and nothing else (no sources, tests, scripts or build output of the tests).
import { execFileSync } from 'node:child_process';

const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' });
const [pack] = JSON.parse(out);
const files = pack.files.map((f) => f.path).sort();
const problems = [];
for (const required of ['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/client.js',
  'dist/streams.js', 'dist/session.js', 'dist/agent.js']) {
  if (!files.includes(required)) problems.push(`missing ${required}`);
}
for (const f of files) {
  if (!(f === 'package.json' || f === 'README.md' || f.startsWith('dist/'))) problems.push(`unexpected ${f}`);
  if (f.startsWith('dist/') && !/\.(js|d\.ts|js\.map|d\.ts\.map)$/.test(f)) problems.push(`unexpected ${f}`);
}
if (problems.length > 0) {
  console.error(`npm pack layout of ${pack.name}@${pack.version}:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`npm pack layout of ${pack.name}@${pack.version}: ${files.length} files, ${pack.size} bytes — ok`);
