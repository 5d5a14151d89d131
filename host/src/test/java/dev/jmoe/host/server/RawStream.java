package dev.jmoe.host.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A streaming request on a plain socket, so a test controls exactly when it reads and when it hangs up
 * (with a reset, as a killed client would). Reads the chunked SSE body event by event.
 */
final class RawStream implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final StringBuilder body = new StringBuilder();
    final int status;

    RawStream(int port, String path, String json) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        send(socket, path, json);
        in = socket.getInputStream();
        String statusLine = line();
        status = Integer.parseInt(statusLine.split(" ")[1]);
        while (!line().isEmpty()) { } // headers
    }

    /** Sends the request and hangs up with a reset at once, before the response starts. */
    static void sendAndHangUp(int port, String path, String json) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            send(socket, path, json);
            socket.setSoLinger(true, 0);
        }
    }

    private static void send(Socket socket, String path, String json) throws IOException {
        byte[] payload = json.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                + payload.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(payload);
        out.flush();
    }

    /** The next {@code data:} payload, or null at the end of the body. */
    String nextEvent() throws IOException {
        while (true) {
            int end = body.indexOf("\n\n");
            if (end >= 0) {
                String event = body.substring(0, end);
                body.delete(0, end + 2);
                if (!event.startsWith("data: ")) throw new AssertionError("not an SSE event: " + event);
                return event.substring(6);
            }
            if (!readChunk()) return null;
        }
    }

    private boolean readChunk() throws IOException {
        int size = Integer.parseInt(line().trim(), 16);
        if (size == 0) return false;
        byte[] data = in.readNBytes(size);
        if (data.length < size) throw new IOException("body ended inside a chunk");
        line();
        body.append(new String(data, StandardCharsets.UTF_8));
        return true;
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) throw new IOException("connection closed");
            if (c != '\r') b.write(c);
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    /** Hangs up with a reset, like a client that was killed. */
    @Override
    public void close() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }
}
