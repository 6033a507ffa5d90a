package dev.governed.http;

import dev.governed.audit.AuditEvent;
import dev.governed.core.engine.ActiveMask;
import dev.governed.core.engine.Admission;
import java.io.IOException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.ResponseInfo;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * One admitted request on its way: the request actually sent (normalised path, injected
 * credential), and the body handler that masks the response before the caller's handler sees it.
 */
final class Exchange {

    private static final Set<String> HIDDEN_WHEN_DECODED = Set.of("content-encoding", "content-length");

    final HttpRequest original;
    final HttpRequest outgoing;
    final Admission admission;
    private volatile HttpHeaders visibleHeaders;

    Exchange(HttpRequest original, HttpRequest outgoing, Admission admission) {
        this.original = original;
        this.outgoing = outgoing;
        this.admission = admission;
    }

    <T> BodyHandler<T> handler(BodyHandler<T> user) {
        List<ActiveMask> masks = admission.masks();
        return info -> {
            visibleHeaders = info.headers();
            if (masks.isEmpty()) {
                return user.apply(info);
            }
            String type = info.headers().firstValue("Content-Type").orElse(null);
            if (type != null && !isJson(type)) {
                return refuse(user, info, "its fields must be masked and its Content-Type is " + type
                        + ", not JSON");
            }
            String encoding = info.headers().firstValue("Content-Encoding").orElse("identity")
                    .strip().toLowerCase(Locale.ROOT);
            GzipDecoder gzip = null;
            ResponseInfo visible = info;
            if (encoding.equals("gzip") || encoding.equals("x-gzip")) {
                gzip = new GzipDecoder();
                visible = decoded(info);
                visibleHeaders = visible.headers();
            } else if (!encoding.equals("identity")) {
                return refuse(user, info, "its fields must be masked and its Content-Encoding " + encoding
                        + " cannot be decoded here; ask without Accept-Encoding or with gzip");
            }
            JsonMasker masker;
            try {
                masker = new JsonMasker(masks);
            } catch (IOException | IllegalArgumentException e) {
                return refuse(user, info, "its masks cannot be applied: " + e.getMessage());
            }
            return new MaskingSubscriber<>(user.apply(visible), masker, gzip,
                    done -> admission.complete(null, done.summary()),
                    failure -> {
                        if (failure instanceof RequestDeniedException denied) {
                            admission.refuse(denied.rule(), denied.getMessage());
                        } else {
                            admission.fail(failure);
                        }
                    });
        };
    }

    /** Records the event if the body has not already done so, and wraps the response for the caller. */
    <T> HttpResponse<T> finish(HttpResponse<T> response, HttpResponse<T> previous) {
        if (!admission.isRecorded()) {
            admission.complete(null, pendingMasking());
        }
        HttpHeaders headers = visibleHeaders != null ? visibleHeaders : response.headers();
        return new GovernedResponse<>(response, original, headers, previous);
    }

    private List<AuditEvent.Masking> pendingMasking() {
        List<AuditEvent.Masking> result = new ArrayList<>();
        for (ActiveMask each : admission.masks()) {
            for (String field : each.targets()) {
                result.add(new AuditEvent.Masking(field, each.strategyName(), 0));
            }
        }
        return result;
    }

    private <T> BodySubscriber<T> refuse(BodyHandler<T> user, ResponseInfo info, String why) {
        RequestDeniedException refusal = new RequestDeniedException("masking",
                "Governed refused the response of " + admission.request().statement() + ": " + why + ".");
        admission.refuse("masking", refusal.getMessage());
        return new Refused<>(refusal);
    }

    private static boolean isJson(String contentType) {
        String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
    }

    private static ResponseInfo decoded(ResponseInfo info) {
        HttpHeaders headers = HttpHeaders.of(info.headers().map(),
                (name, value) -> !HIDDEN_WHEN_DECODED.contains(name.toLowerCase(Locale.ROOT)));
        return new ResponseInfo() {
            @Override
            public int statusCode() {
                return info.statusCode();
            }

            @Override
            public HttpHeaders headers() {
                return headers;
            }

            @Override
            public java.net.http.HttpClient.Version version() {
                return info.version();
            }
        };
    }

    /** A body nobody will see: the connection is released and the caller gets the refusal. */
    private static final class Refused<T> implements BodySubscriber<T> {
        private final CompletableFuture<T> body = new CompletableFuture<>();
        private final RequestDeniedException refusal;

        Refused(RequestDeniedException refusal) {
            this.refusal = refusal;
            body.completeExceptionally(refusal);
        }

        @Override
        public CompletionStage<T> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.cancel();
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            // cancelled: nothing is read
        }

        @Override
        public void onError(Throwable throwable) {
            // the refusal already stands
        }

        @Override
        public void onComplete() {
            // the refusal already stands
        }
    }
}
