package dev.parley.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Process and port plumbing: start a detached child with its output in a log file, record and read pid files,
 * recognise our own processes (so a recycled pid is never killed), stop a process tree, test ports.
 */
final class Processes {

    /** Every JVM the launcher starts carries {@code -Dparley.devstack.process=<home>#<name>}: how we know it is ours. */
    static final String MARKER = "-Dparley.devstack.process=";

    private Processes() {
    }

    static String marker(StackConfig config, Component c) {
        return MARKER + config.home() + "#" + c.name();
    }

    /**
     * Starts {@code command} in its own session ({@code setsid}, when present) so that a Ctrl-C or a closed terminal
     * in the shell that ran {@code ./parley up} does not reach it; stdin from /dev/null, stdout + stderr to the log.
     */
    static Process start(List<String> command, Path log, Path workDir) {
        List<String> full = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            full.add("/usr/bin/setsid");
        }
        full.addAll(command);
        try {
            Files.createDirectories(log.getParent());
            Files.createDirectories(workDir);
            ProcessBuilder builder = new ProcessBuilder(full)
                    .directory(workDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + command.getFirst(), e);
        }
    }

    static void writePid(Path pidFile, long pid) {
        try {
            Files.createDirectories(pidFile.getParent());
            Files.writeString(pidFile, pid + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long readPid(Path pidFile) {
        try {
            return Long.parseLong(Files.readString(pidFile).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** The live process recorded for {@code c}, if it is still ours (its command line carries our marker). */
    static Optional<ProcessHandle> recorded(StackConfig config, Component c) {
        long pid = readPid(config.pidFile(c));
        if (pid <= 0) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> isOurs(h, config, c));
    }

    static boolean isOurs(ProcessHandle handle, StackConfig config, Component c) {
        String marker = marker(config, c);
        Optional<String> commandLine = handle.info().commandLine();
        if (commandLine.isPresent()) {
            return commandLine.get().contains(marker);
        }
        // Some systems hide other users' command lines; /proc still has ours.
        try {
            String cmdline = Files.readString(Path.of("/proc", String.valueOf(handle.pid()), "cmdline"))
                    .replace('\0', ' ');
            return cmdline.contains(marker);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Stops a process and every descendant it has now: SIGTERM to the process (its shutdown hooks stop what it runs),
     * then SIGKILL to whatever is left of the tree after {@code grace}.
     */
    static void stopTree(ProcessHandle root, Duration grace) {
        List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
        root.destroy();
        waitGone(List.of(root), grace);
        for (ProcessHandle h : tree) {
            if (h.isAlive()) {
                h.destroy();
            }
        }
        waitGone(tree, Duration.ofSeconds(5));
        List<ProcessHandle> all = new ArrayList<>(tree);
        all.add(root);
        for (ProcessHandle h : all) {
            if (h.isAlive()) {
                h.destroyForcibly();
            }
        }
        waitGone(all, Duration.ofSeconds(5));
    }

    static boolean waitGone(List<ProcessHandle> handles, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ProcessHandle h : handles) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                h.onExit().get(left, java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                // timed out or interrupted: checked below
            }
        }
        return handles.stream().noneMatch(ProcessHandle::isAlive);
    }

    /** Whether something accepts connections on the loopback port, or holds it bound. */
    static boolean portInUse(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 300);
            return true;
        } catch (IOException e) {
            // nobody listening on loopback; check that it can be bound on every interface too
        }
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(port));
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log at " + log + ")";
        }
    }
}
