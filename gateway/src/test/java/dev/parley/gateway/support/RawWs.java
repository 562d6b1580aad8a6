package dev.parley.gateway.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A hand-rolled WebSocket client on a plain socket: to read the status of a refused upgrade, and to be a client
 * that stops reading with a tiny receive buffer (slow-consumer tests).
 */
public final class RawWs implements AutoCloseable {

    private final Socket socket;
    private final int status;
    private final String head;

    private RawWs(Socket socket, int status, String head) {
        this.socket = socket;
        this.status = status;
        this.head = head;
    }

    public static RawWs connect(int port, String path, Map<String, String> headers, int receiveBuffer)
            throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(15000);
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(nonce) + "\r\n");
        headers.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
        request.append("\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            response.write(b);
            String text = response.toString(StandardCharsets.ISO_8859_1);
            if (text.endsWith("\r\n\r\n")) {
                break;
            }
        }
        String text = response.toString(StandardCharsets.ISO_8859_1);
        int status = text.length() > 12 ? Integer.parseInt(text.substring(9, 12)) : -1;
        return new RawWs(socket, status, text);
    }

    public int status() {
        return status;
    }

    public String head() {
        return head;
    }

    /** Sends one masked text frame. */
    public void sendText(String text) throws IOException {
        sendTexts(text);
    }

    /** Sends masked text frames in one write (one TCP segment for small frames). */
    public void sendTexts(String... texts) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (String text : texts) {
            all.writeBytes(frame(text));
        }
        socket.getOutputStream().write(all.toByteArray());
        socket.getOutputStream().flush();
    }

    private static byte[] frame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x81);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        } else {
            frame.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) {
                frame.write((int) ((long) payload.length >>> (8 * i)) & 0xff);
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        return frame.toByteArray();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
