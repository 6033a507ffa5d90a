package dev.governed.http;

import java.io.IOException;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * Sits between the connection and the caller's body subscriber: every chunk passes through the
 * {@link JsonMasker} (after the gzip decoder, when there is one) before the caller sees it. A body
 * that cannot be masked ends the caller's body with a {@link RequestDeniedException}; what the
 * caller already received was masked.
 */
final class MaskingSubscriber<T> implements BodySubscriber<T> {

    private final BodySubscriber<T> downstream;
    private final JsonMasker masker;
    private final GzipDecoder gzip;
    private final Consumer<JsonMasker> onEnd;
    private final Consumer<Throwable> onFailure;
    private Flow.Subscription upstream;
    private boolean done;

    MaskingSubscriber(BodySubscriber<T> downstream, JsonMasker masker, GzipDecoder gzip,
                      Consumer<JsonMasker> onEnd, Consumer<Throwable> onFailure) {
        this.downstream = downstream;
        this.masker = masker;
        this.gzip = gzip;
        this.onEnd = onEnd;
        this.onFailure = onFailure;
    }

    @Override
    public CompletionStage<T> getBody() {
        return downstream.getBody();
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.upstream = subscription;
        downstream.onSubscribe(subscription);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        if (done) {
            return;
        }
        List<ByteBuffer> out = new ArrayList<>(item.size());
        try {
            for (ByteBuffer each : item) {
                if (gzip == null) {
                    add(out, masker.feed(each));
                } else {
                    for (ByteBuffer plain : gzip.decode(each)) {
                        add(out, masker.feed(plain));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            refuse(e);
            return;
        }
        if (out.isEmpty()) {
            upstream.request(1); // nothing to hand on yet: ask for the next chunk in its place
        } else {
            downstream.onNext(out);
        }
    }

    @Override
    public void onError(Throwable throwable) {
        if (done) {
            return;
        }
        done = true;
        onFailure.accept(throwable);
        downstream.onError(throwable);
    }

    @Override
    public void onComplete() {
        if (done) {
            return;
        }
        ByteBuffer last;
        try {
            if (gzip != null) {
                gzip.finish();
            }
            last = masker.finish();
        } catch (IOException | RuntimeException e) {
            refuse(e);
            return;
        }
        done = true;
        onEnd.accept(masker);
        if (last != null) {
            downstream.onNext(List.of(last));
        }
        downstream.onComplete();
    }

    private void refuse(Exception cause) {
        done = true;
        upstream.cancel();
        RequestDeniedException refusal = new RequestDeniedException("masking", "Governed refused the response body:"
                + " its fields must be masked and it is not well-formed JSON (" + cause.getMessage() + ")."
                + " Nothing unmasked was passed on.");
        refusal.initCause(cause);
        onFailure.accept(refusal);
        downstream.onError(refusal);
    }

    private static void add(List<ByteBuffer> out, ByteBuffer masked) {
        if (masked != null) {
            out.add(masked);
        }
    }
}
