package dev.governed.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes a {@code Content-Encoding: gzip} body chunk by chunk (RFC 1952, one member), so it can be
 * masked as it streams. One chunk may not expand past {@value #MAX_EXPANSION} bytes: a body built to
 * explode in memory is refused instead.
 */
final class GzipDecoder {

    private static final int MAX_EXPANSION = 16 * 1024 * 1024;
    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;

    private enum State { HEADER, BODY, TRAILER, DONE }

    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final byte[] window = new byte[64 * 1024];
    private State state = State.HEADER;
    private long size;

    List<ByteBuffer> decode(ByteBuffer chunk) throws IOException {
        List<ByteBuffer> result = new ArrayList<>(2);
        long expanded = 0;
        while (chunk.hasRemaining()) {
            switch (state) {
                case HEADER -> {
                    while (chunk.hasRemaining() && state == State.HEADER) {
                        pending.write(chunk.get());
                        headerComplete();
                    }
                }
                case BODY -> {
                    byte[] input = new byte[chunk.remaining()];
                    chunk.get(input);
                    inflater.setInput(input);
                    while (!inflater.needsInput() && !inflater.finished()) {
                        int count = inflate();
                        if (count == 0 && inflater.needsDictionary()) {
                            throw new IOException("the gzip body needs a preset dictionary");
                        }
                        if (count > 0) {
                            crc.update(window, 0, count);
                            size += count;
                            expanded += count;
                            if (expanded > MAX_EXPANSION) {
                                throw new IOException("one gzip chunk expands past " + MAX_EXPANSION + " bytes");
                            }
                            result.add(ByteBuffer.wrap(window.clone(), 0, count));
                        }
                    }
                    if (inflater.finished()) {
                        int left = inflater.getRemaining();
                        state = State.TRAILER;
                        pending.reset();
                        pending.write(input, input.length - left, left);
                        trailerComplete();
                    }
                }
                case TRAILER -> {
                    while (chunk.hasRemaining() && state == State.TRAILER) {
                        pending.write(chunk.get());
                        trailerComplete();
                    }
                }
                case DONE -> throw new IOException("data after the end of the gzip body (several members are not"
                        + " supported)");
            }
        }
        return result;
    }

    void finish() throws IOException {
        if (state != State.DONE) {
            throw new IOException("the gzip body is truncated");
        }
        inflater.end();
    }

    private int inflate() throws IOException {
        try {
            return inflater.inflate(window);
        } catch (DataFormatException e) {
            throw new IOException("the gzip body is corrupt: " + e.getMessage());
        }
    }

    private void headerComplete() throws IOException {
        byte[] header = pending.toByteArray();
        if (header.length < 10) {
            return;
        }
        if ((header[0] & 0xff) != 0x1f || (header[1] & 0xff) != 0x8b || header[2] != 8) {
            throw new IOException("the body is not gzip although Content-Encoding says so");
        }
        int flags = header[3];
        int at = 10;
        if ((flags & FEXTRA) != 0) {
            if (header.length < at + 2) {
                return;
            }
            at += 2 + ((header[at] & 0xff) | (header[at + 1] & 0xff) << 8);
            if (header.length < at) {
                return;
            }
        }
        for (int flag : new int[] {FNAME, FCOMMENT}) {
            if ((flags & flag) != 0) {
                int end = at;
                while (end < header.length && header[end] != 0) {
                    end++;
                }
                if (end >= header.length) {
                    return;
                }
                at = end + 1;
            }
        }
        if ((flags & FHCRC) != 0) {
            at += 2;
        }
        if (header.length < at) {
            return;
        }
        pending.reset();
        state = State.BODY;
    }

    private void trailerComplete() throws IOException {
        byte[] trailer = pending.toByteArray();
        if (trailer.length < 8) {
            return;
        }
        if (trailer.length > 8) {
            throw new IOException("data after the end of the gzip body (several members are not supported)");
        }
        long expectedCrc = littleEndian(trailer, 0);
        long expectedSize = littleEndian(trailer, 4);
        if (expectedCrc != crc.getValue() || expectedSize != (size & 0xffffffffL)) {
            throw new IOException("the gzip body fails its checksum");
        }
        state = State.DONE;
    }

    private static long littleEndian(byte[] bytes, int at) {
        return (bytes[at] & 0xffL) | (bytes[at + 1] & 0xffL) << 8 | (bytes[at + 2] & 0xffL) << 16
                | (bytes[at + 3] & 0xffL) << 24;
    }
}
