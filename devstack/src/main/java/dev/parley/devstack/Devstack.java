package dev.parley.devstack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The local stack's command line, run by {@code ./parley}: {@code up [--foreground] [--fresh]}, {@code down},
 * {@code status}, {@code demo}. Ports come from flags ({@code --gateway-port=8080}) or the environment
 * ({@code PARLEY_GATEWAY_PORT}); see devstack/README.md.
 */
public final class Devstack {

    private Devstack() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv()));
    }

    static int run(String[] args, Map<String, String> env) {
        if (args.length == 0 || List.of("help", "-h", "--help").contains(args[0])) {
            usage();
            return args.length == 0 ? 2 : 0;
        }
        String command = args[0];
        List<String> rest = new ArrayList<>(Arrays.asList(args).subList(1, args.length));
        Path repo = Path.of(System.getProperty("parley.repo", System.getProperty("user.dir"))).toAbsolutePath()
                .normalize();
        try {
            if (command.equals("infra")) {
                // Internal: the infra process. Its ports come only from the flags up passes.
                try {
                    Infra.run(StackConfig.resolve(rest, Map.of(), repo));
                    return 0;
                } catch (Throwable e) {
                    System.err.println("infra failed: " + e);
                    e.printStackTrace();
                    return 1;
                }
            }
            StackConfig config = StackConfig.resolve(rest, env, repo);
            Launcher launcher = new Launcher(config, env, System.out);
            return switch (command) {
                case "up" -> launcher.up(rest.contains("--foreground"), rest.contains("--fresh"));
                case "down" -> launcher.down();
                case "status" -> launcher.status();
                case "demo" -> {
                    StackConfig recorded = StackConfig.recorded(repo, config.home());
                    yield new Demo(recorded != null ? recorded : config, System.out).run();
                }
                default -> {
                    System.out.println("unknown command: " + command);
                    usage();
                    yield 2;
                }
            };
        } catch (StackConfig.UsageException e) {
            System.out.println("parley: " + e.getMessage());
            return 2;
        }
    }

    private static void usage() {
        System.out.println("""
                usage: ./parley <command> [options]

                  up [--foreground] [--fresh]   start Kafka, PostgreSQL, the token issuer and the five services;
                                                returns when all are ready (--foreground: stay attached, Ctrl-C
                                                stops all; --fresh: wipe .parley/data first)
                  down                          stop everything up started, and nothing else
                  status                        what runs: pid, ports, ready
                  demo                          seed tenant acme (people, a room with agents, a shared session)
                  build                         rebuild the jars (./mvnw -B -q -DskipTests install)

                ports: --gateway-port=N or PARLEY_GATEWAY_PORT (default 8080); likewise presence/channel/rooms/sessions
                (8081-8084), --<name>-mgmt-port / PARLEY_<NAME>_MGMT_PORT (9080-9084), PARLEY_KAFKA_PORT (19092),
                PARLEY_KAFKA_CONTROLLER_PORT (19093), PARLEY_PG_PORT (15432), PARLEY_ISSUER_PORT (18090);
                PARLEY_HOME (default .parley) holds data, logs and pid files.""");
    }
}
