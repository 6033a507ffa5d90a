package dev.governed.service.web;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * Reads request bodies defensively: the content type must be one the endpoint accepts, the body is read
 * up to a limit (declared length or not, so a chunked upload cannot exhaust memory) and must be UTF-8.
 */
public final class Bodies {
    public static final Set<String> JSON = Set.of("application/json");

    private Bodies() {}

    /** The body as text, after checking its media type against {@code accepted} and its size against {@code limit}. */
    public static String text(Context ctx, Set<String> accepted, long limit) {
        String mediaType = mediaType(ctx.header("Content-Type"));
        if (mediaType == null || !accepted.contains(mediaType)) {
            throw new ApiException(415, "unsupported_media_type", "Content-Type " + (mediaType == null ? "is missing" : "'" + mediaType + "' is not accepted")
                    + " for " + ctx.method() + " " + ctx.path() + "; send one of " + accepted.stream().sorted().toList());
        }
        long declared = ctx.req().getContentLengthLong();
        if (declared > limit) {
            throw tooLarge(declared, limit);
        }
        byte[] bytes = readAtMost(ctx, limit);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw ApiException.badRequest("the request body is not valid UTF-8; send UTF-8 text");
        }
    }

    /** The media type without parameters, lower-cased; null when absent. */
    public static String mediaType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return null;
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    private static byte[] readAtMost(Context ctx, long limit) {
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] result = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (result.length > limit) {
                throw tooLarge(-1, limit);
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the request body", e);
        }
    }

    private static ApiException tooLarge(long declared, long limit) {
        return new ApiException(413, "payload_too_large", "the request body" + (declared >= 0 ? " (" + declared + " bytes)" : "")
                + " is over the limit of " + limit + " bytes for this endpoint; send less at a time");
    }
}
