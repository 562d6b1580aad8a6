package dev.parley.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Markdown reports under bench/reports: machine, versions, command, background load, numbers vs targets. */
final class Report {

    private final StringBuilder md = new StringBuilder();

    Report(String title) {
        md.append("# ").append(title).append("\n\n");
    }

    Report line(String s) {
        md.append(s).append('\n');
        return this;
    }

    Report table(List<String> header, List<List<String>> rows) {
        md.append("| ").append(String.join(" | ", header)).append(" |\n|");
        header.forEach(h -> md.append(" --- |"));
        md.append('\n');
        for (List<String> r : rows) {
            md.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        md.append('\n');
        return this;
    }

    Path write(Path dir, String workload) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(LocalDate.now(ZoneOffset.UTC) + "-" + workload + ".md");
        Files.writeString(file, md.toString());
        return file;
    }

    @Override
    public String toString() {
        return md.toString();
    }

    static String machine(String command, List<ProcStats.Group> stack) {
        StringBuilder s = new StringBuilder("## Machine and versions\n\n");
        s.append("- when: ").append(java.time.Instant.now()).append(" (UTC)\n");
        s.append("- command: `").append(command).append("`\n");
        s.append("- nproc: ").append(Runtime.getRuntime().availableProcessors()).append("; memory: ")
                .append(grep("/proc/meminfo", "MemTotal:")).append("; CPU: ").append(grep("/proc/cpuinfo", "model name"))
                .append('\n');
        s.append("- load average at start: ").append(read("/proc/loadavg")).append('\n');
        s.append("- open-file limit (soft/hard) of the generator: ").append(sh("ulimit -n; ulimit -Hn").replace('\n', '/'))
                .append('\n');
        s.append("- generator JDK: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append("; Vert.x ")
                .append(io.vertx.core.impl.launcher.commands.VersionCommand.getVersion()).append("; HdrHistogram 2.2.2\n");
        s.append("- Parley commit: ").append(sh("git rev-parse --short HEAD")).append('\n');
        for (ProcStats.Group g : stack) {
            if (g.name().startsWith("gateway")) {
                s.append("- ").append(g.name()).append(" JVM: `").append(jvmFlags(ProcStats.cmdline(g.rootPid())))
                        .append("`\n");
            }
        }
        return s.append('\n').toString();
    }

    static String jvmFlags(String cmdline) {
        List<String> out = new ArrayList<>();
        for (String part : cmdline.split(" ")) {
            if (part.startsWith("-X") || part.endsWith("/java") || part.startsWith("-Dparley.rooms")
                    || part.startsWith("-Dparley.gateway.max") || part.startsWith("-Dparley.gateway.posts")) {
                out.add(part);
            }
        }
        return String.join(" ", out);
    }

    static String grep(String file, String prefix) {
        try {
            for (String l : Files.readAllLines(Path.of(file))) {
                if (l.startsWith(prefix)) {
                    return l.substring(l.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return "?";
    }

    static String read(String file) {
        try {
            return Files.readString(Path.of(file)).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    static String sh(String cmd) {
        try {
            Process p = new ProcessBuilder("sh", "-c", cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return out;
        } catch (Exception e) {
            return "?";
        }
    }

    static String f1(double v) {
        return String.format("%.1f", v);
    }

    static String f0(double v) {
        return String.format("%.0f", v);
    }

    static String mib(long kib) {
        return String.format("%.0f MiB", kib / 1024.0);
    }

    /** The result table of one fan-out run. */
    static List<List<String>> results(Fanout.Result r) {
        Stats st = r.stats();
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("subscribers (rooms × per room)", r.params().rooms() + " × " + r.params().subsPerRoom()
                + (!r.target().equals("socket.io") && r.params().sse() ? " (half SSE, half WS)" : " (all WS)")));
        rows.add(List.of("posts/s offered", f0(r.params().postsPerSecond())));
        rows.add(List.of("window", f1(r.windowSeconds()) + " s (after " + r.params().warmupSeconds() + " s warm-up)"));
        rows.add(List.of("setup / connect (subscribe retries)", f1(r.setupSeconds()) + " s / "
                + f1(r.connectSeconds()) + " s (" + r.stats().subscribeRetries + ")"));
        rows.add(List.of("posts 201 in window", r.postsInWindow() + " (" + f0(r.postsInWindow() / r.windowSeconds())
                + "/s); errors " + r.postErrors()));
        rows.add(List.of("deliveries in window", r.deliveriesInWindow() + " (" + f0(r.deliveriesPerSecond()) + "/s)"));
        rows.add(List.of("lost (missing seqs)", String.valueOf(r.missing())));
        rows.add(List.of("duplicates", String.valueOf(r.duplicates())));
        rows.add(List.of("reordered", String.valueOf(r.reordered())));
        rows.add(List.of("subscribers closed by the server", String.valueOf(r.closed())));
        rows.add(List.of("all delivered after the drain", String.valueOf(r.drained())));
        rows.add(List.of("post→deliver p50 / p99 / p99.9 / max", Stats.ms(st.deliver, 50) + " / " + Stats.ms(st.deliver, 99)
                + " / " + Stats.ms(st.deliver, 99.9) + " / " + Stats.ms(st.deliver, 100) + " ms"));
        rows.add(List.of("POST→201 p50 / p99 / max", Stats.ms(st.post, 50) + " / " + Stats.ms(st.post, 99) + " / "
                + Stats.ms(st.post, 100) + " ms"));
        rows.add(List.of("**server CPU per delivery** (" + String.join("+", r.serverNames()) + ")",
                "**" + String.format("%.2f", r.serverMicrosPerDelivery()) + " µs**"));
        return rows;
    }

    static List<List<String>> processes(Fanout.Result r) {
        List<List<String>> rows = new ArrayList<>();
        double stack = 0;
        for (Map.Entry<String, ProcStats.Sample> e : r.cpuEnd().entrySet()) {
            String n = e.getKey();
            double cores = r.cores(n);
            stack += cores;
            rows.add(List.of(n, e.getValue().processes() + "", f0(cores * 100) + " %",
                    mib(e.getValue().rssKib()), mib(r.peakRssKib().getOrDefault(n, e.getValue().rssKib()))));
        }
        rows.add(List.of("**stack total**", "", f0(stack * 100) + " %", "", ""));
        rows.add(List.of("generator (this process)", "1", f0(r.generatorCores() * 100) + " %", mib(r.generatorRssKib()), ""));
        double machine = r.machineCores();
        rows.add(List.of("whole machine busy", "", f0(machine * 100) + " % of "
                + Runtime.getRuntime().availableProcessors() * 100 + " %", "", ""));
        rows.add(List.of("background (machine − stack − generator)", "", f0(Math.max(0, machine - stack
                - r.generatorCores()) * 100) + " %", "", ""));
        return rows;
    }
}
