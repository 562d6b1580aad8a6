package dev.parley.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * CPU and RSS of processes from {@code /proc} (Linux only): a process group is a root pid plus every live descendant
 * (PostgreSQL's backends are children of its postmaster). CPU is utime + stime in clock ticks.
 */
final class ProcStats {

    static final long CLK_TCK = clockTicks();

    private ProcStats() {
    }

    /** One named group of processes (e.g. "gateway", "postgres"). */
    record Group(String name, long rootPid) {
    }

    /** A snapshot of a group: CPU ticks summed over the live processes, RSS summed in KiB. */
    record Sample(long cpuTicks, long rssKib, int processes) {
    }

    /** The stack's processes as {@code ./parley up} recorded them in {@code <home>/run}. */
    static List<Group> stackGroups(Path parleyHome) throws IOException {
        List<Group> groups = new ArrayList<>();
        Path run = parleyHome.resolve("run");
        if (!Files.isDirectory(run)) {
            return groups;
        }
        try (Stream<Path> files = Files.list(run)) {
            for (Path p : files.sorted().toList()) {
                String file = p.getFileName().toString();
                if (file.endsWith(".pid")) {
                    long pid = Long.parseLong(Files.readString(p).trim());
                    groups.add(new Group(file.substring(0, file.length() - 4), pid));
                }
            }
        }
        Path ready = run.resolve("infra.ready");
        if (Files.exists(ready)) {
            Properties props = new Properties();
            try (var in = Files.newBufferedReader(ready)) {
                props.load(in);
            }
            String pg = props.getProperty("postgres.pid");
            if (pg != null && !pg.isBlank() && !pg.trim().equals("-1")) {
                groups.add(new Group("postgres", Long.parseLong(pg.trim())));
            }
        }
        return groups;
    }

    static boolean alive(long pid) {
        return Files.exists(Path.of("/proc/" + pid + "/stat"));
    }

    /** utime+stime of one process, or -1 when it is gone. */
    static long cpuTicks(long pid) {
        String[] f = statFields(pid);
        return f == null ? -1 : Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** Fields of /proc/pid/stat after the command name: [0]=state, [1]=ppid, [11]=utime, [12]=stime. */
    private static String[] statFields(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return s.substring(s.lastIndexOf(')') + 2).split(" ");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return 0;
    }

    /** Open file descriptors of a process (for connection counts), or -1. */
    static int openFiles(long pid) {
        try (Stream<Path> s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return (int) s.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** pid → ppid of every live process. */
    private static Map<Long, Long> parents() {
        Map<Long, Long> parents = new HashMap<>();
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (n.chars().allMatch(Character::isDigit)) {
                    long pid = Long.parseLong(n);
                    String[] f = statFields(pid);
                    if (f != null) {
                        parents.put(pid, Long.parseLong(f[1]));
                    }
                }
            }
        } catch (IOException e) {
            // no /proc
        }
        return parents;
    }

    /** Samples every group: the root and all its live descendants. */
    static Map<String, Sample> sample(List<Group> groups) {
        Map<Long, Long> parents = parents();
        Map<Long, List<Long>> children = new HashMap<>();
        parents.forEach((pid, ppid) -> children.computeIfAbsent(ppid, k -> new ArrayList<>()).add(pid));
        Map<String, Sample> out = new LinkedHashMap<>();
        for (Group g : groups) {
            long cpu = 0;
            long rss = 0;
            int n = 0;
            List<Long> todo = new ArrayList<>(List.of(g.rootPid()));
            while (!todo.isEmpty()) {
                long pid = todo.removeLast();
                long t = cpuTicks(pid);
                if (t >= 0) {
                    cpu += t;
                    rss += rssKib(pid);
                    n++;
                }
                todo.addAll(children.getOrDefault(pid, List.of()));
            }
            out.put(g.name(), new Sample(cpu, rss, n));
        }
        return out;
    }

    /** Busy and total ticks of the whole machine (/proc/stat "cpu" line): [busy, total]. */
    static long[] machineTicks() {
        try {
            String line = Files.readAllLines(Path.of("/proc/stat")).getFirst();
            String[] f = line.trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    static String cmdline(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ').trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return Long.parseLong(out);
        } catch (Exception e) {
            return 100;
        }
    }
}
