import java.io.IOException;
import java.io.Reader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

/**
 * Finds the JDK the layer's bundled runtime is linked from, for the build (run as a source file:
 * {@code java FindJdk.java <jlink.jdk or ""> <output.properties>}).
 *
 * <p>In order: the JDK that {@code -Djlink.jdk} names (it must be a JDK 21+ with {@code jlink}, or
 * the build fails: it was asked for); {@code JAVA_HOME} when it is one; else the newest JDK 21+
 * in the usual installation folders. Writes {@code jdk}, {@code version}, {@code feature} and
 * {@code arch} (Lambda's name: {@code x86_64} or {@code arm64}) to the output file, or nothing
 * but a one-line reason on stdout when there is none: the jar-only layer still builds.
 */
public final class FindJdk {
    private static final int MINIMUM_FEATURE = 21;
    private static final List<Path> INSTALL_FOLDERS = List.of(Path.of("/usr/lib/jvm"),
            Path.of("/Library/Java/JavaVirtualMachines"));

    private record Jdk(Path home, String version, int[] numbers, String arch) {
        int feature() {
            return numbers[0];
        }
    }

    public static void main(String[] args) throws IOException {
        String named = args.length > 0 ? args[0].trim() : "";
        Path out = Path.of(args[1]);
        Files.deleteIfExists(out);
        Optional<Jdk> found;
        String where;
        if (!named.isEmpty() && !named.startsWith("${")) {
            Jdk jdk = read(Path.of(named)).orElse(null);
            if (jdk == null || jdk.feature() < MINIMUM_FEATURE) {
                System.err.println("[firetap-layer] -Djlink.jdk=" + named + " is not a JDK " + MINIMUM_FEATURE
                        + " or later with jlink" + (jdk == null ? "" : " (it is " + jdk.version() + ")"));
                System.exit(1);
            }
            found = Optional.of(jdk);
            where = "named by -Djlink.jdk";
        } else {
            String javaHome = System.getenv("JAVA_HOME");
            found = javaHome == null || javaHome.isBlank() ? Optional.empty()
                    : read(Path.of(javaHome)).filter(j -> j.feature() >= MINIMUM_FEATURE);
            where = "JAVA_HOME";
            if (found.isEmpty()) {
                found = newestInstalled();
                where = "the newest installed";
            }
        }
        if (found.isEmpty()) {
            System.out.println("[firetap-layer] SKIPPED the layer with a bundled runtime: no JDK " + MINIMUM_FEATURE
                    + "+ with jlink (looked at -Djlink.jdk, JAVA_HOME and " + INSTALL_FOLDERS.get(0)
                    + "); building firetap-layer.zip only");
            return;
        }
        Jdk jdk = found.get();
        Properties p = new Properties();
        p.setProperty("jdk", jdk.home().toString());
        p.setProperty("version", jdk.version());
        p.setProperty("feature", Integer.toString(jdk.feature()));
        p.setProperty("arch", jdk.arch());
        Files.createDirectories(out.toAbsolutePath().getParent());
        try (var w = Files.newBufferedWriter(out)) {
            p.store(w, null);
        }
        System.out.println("[firetap-layer] bundled runtime from JDK " + jdk.version() + " (" + jdk.arch() + ") at "
                + jdk.home() + ", " + where);
    }

    private static Optional<Jdk> newestInstalled() throws IOException {
        List<Jdk> all = new ArrayList<>();
        for (Path folder : INSTALL_FOLDERS) {
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
                for (Path entry : entries) {
                    read(entry).ifPresent(all::add);
                    read(entry.resolve("Contents/Home")).ifPresent(all::add);
                }
            }
        }
        return all.stream().filter(j -> j.feature() >= MINIMUM_FEATURE).max(Comparator.comparing(Jdk::numbers,
                FindJdk::compareVersions).thenComparing(j -> j.home().toString()));
    }

    /** The JDK at {@code home} from its {@code release} file, if it is one with {@code jlink}. */
    private static Optional<Jdk> read(Path home) throws IOException {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release) || !Files.isExecutable(home.resolve("bin/jlink"))) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(release)) {
            p.load(r);
        }
        String version = unquote(p.getProperty("JAVA_VERSION", ""));
        String arch = unquote(p.getProperty("OS_ARCH", ""));
        if (version.isEmpty()) {
            return Optional.empty();
        }
        String[] parts = version.split("[^0-9]+");
        int[] numbers = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            numbers[i] = parts[i].isEmpty() ? 0 : Integer.parseInt(parts[i]);
        }
        String lambdaArch = switch (arch.toLowerCase(Locale.ROOT)) {
            case "x86_64", "amd64" -> "x86_64";
            case "aarch64", "arm64" -> "arm64";
            default -> arch;
        };
        return Optional.of(new Jdk(home.toRealPath(), version, numbers, lambdaArch));
    }

    private static int compareVersions(int[] a, int[] b) {
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            int c = Integer.compare(i < a.length ? a[i] : 0, i < b.length ? b[i] : 0);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static String unquote(String s) {
        return s.replace("\"", "").trim();
    }
}
