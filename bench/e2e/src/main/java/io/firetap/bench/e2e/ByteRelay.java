package io.firetap.bench.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.OutputStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bare TCP relay on loopback: every byte a client sends goes to the upstream unread and every byte
 * back likewise, with one thread per direction per connection and {@code TCP_NODELAY} on both sides.
 * No HTTP is parsed: what it adds to a request's time is what any extra hop costs on the machine,
 * the floor a proxy's cost is read against. {@link InOwnProcess} runs one in a JVM of its own.
 */
final class ByteRelay implements AutoCloseable {
    private static final int BUFFER_BYTES = 64 * 1024;

    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    /** Binds a free loopback port; connections wait in the backlog until {@link #forwardTo(String)}. */
    ByteRelay() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    /** {@code host:port} for clients, in the form of {@code AWS_LAMBDA_RUNTIME_API}. */
    String address() {
        return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    /** Starts relaying every connection to {@code hostPort} ({@code host:port}). */
    ByteRelay forwardTo(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        InetSocketAddress upstream = new InetSocketAddress(hostPort.substring(0, colon),
                Integer.parseInt(hostPort.substring(colon + 1)));
        daemon("relay-accept", () -> accept(upstream));
        return this;
    }

    private void accept(InetSocketAddress upstream) {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            Socket onward = new Socket();
            open.add(client);
            open.add(onward);
            try {
                client.setTcpNoDelay(true);
                onward.setTcpNoDelay(true);
                onward.connect(upstream);
            } catch (IOException e) {
                close(client);
                close(onward);
                continue;
            }
            AtomicInteger directions = new AtomicInteger(2);
            daemon("relay-up", () -> pump(client, onward, directions));
            daemon("relay-down", () -> pump(onward, client, directions));
        }
    }

    /**
     * Copies {@code from} into {@code to} until {@code from} ends, then passes the end on; the
     * direction that ends last closes both sockets. An error on either side ends the connection.
     */
    private void pump(Socket from, Socket to, AtomicInteger directions) {
        byte[] buffer = new byte[BUFFER_BYTES];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
            }
            to.shutdownOutput();
            if (directions.decrementAndGet() > 0) {
                return;
            }
        } catch (IOException e) {
            // one side went away: nothing more can cross in either direction
        }
        close(from);
        close(to);
    }

    private void close(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }

    private static void daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops accepting and ends every open connection. */
    @Override
    public void close() throws IOException {
        server.close();
        open.forEach(this::close);
    }

    /**
     * A relay as a process of its own ({@link InOwnProcess}): prints its address, reads the upstream's
     * {@code host:port} from stdin, relays until stdin ends.
     */
    public static void main(String[] args) throws IOException {
        try (ByteRelay relay = new ByteRelay()) {
            System.out.println(relay.address());
            System.out.flush();
            BufferedReader control = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
            String upstream = control.readLine();
            if (upstream == null) {
                return;
            }
            relay.forwardTo(upstream);
            while (control.readLine() != null) {
                // relaying until the bench closes stdin
            }
        }
    }

    /**
     * A {@link ByteRelay} in a JVM of its own, like the extension's proxy: the bench's process also
     * hosts the emulator and the fake AWS endpoint, and while that takes 100,000 lines/s its own
     * pauses would land in an in-process relay's figures.
     */
    static final class InOwnProcess implements AutoCloseable {
        private final Process process;
        private final Writer control;
        private final String address;

        InOwnProcess() throws IOException {
            process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:+UseSerialGC", "-Xmx32m", "-cp", System.getProperty("java.class.path"), ByteRelay.class.getName())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            control = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
            address = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            if (address == null) {
                process.destroyForcibly();
                throw new IOException("the relay process ended before it gave its address");
            }
        }

        /** {@code host:port} for clients. */
        String address() {
            return address;
        }

        /** Starts relaying to {@code hostPort}. */
        void forwardTo(String hostPort) throws IOException {
            control.write(hostPort + "\n");
            control.flush();
        }

        @Override
        public void close() throws IOException {
            control.close();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
