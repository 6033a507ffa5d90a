package dev.governed.policy.source;

import dev.governed.policy.CompiledPolicy;
import dev.governed.policy.PolicyDocuments;
import dev.governed.policy.PolicyException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** A policy bundled as a classpath resource, read once: resources do not change while the process runs. */
public final class ClasspathPolicySource implements PolicySource {
    private final String location;
    private final CompiledPolicy policy;

    /**
     * @param resource the resource name, with or without a leading "/"
     * @param loader   where to look; null for the thread's context class loader, falling back to this class's
     * @throws PolicyException when the resource is missing or invalid
     */
    public ClasspathPolicySource(String resource, ClassLoader loader) {
        Objects.requireNonNull(resource, "resource");
        String name = resource.startsWith("/") ? resource.substring(1) : resource;
        this.location = "classpath:" + name;
        ClassLoader effective = loader != null ? loader
                : Thread.currentThread().getContextClassLoader() != null
                ? Thread.currentThread().getContextClassLoader() : ClasspathPolicySource.class.getClassLoader();
        try (InputStream in = effective.getResourceAsStream(name)) {
            if (in == null) {
                throw new PolicyException("Cannot read policy " + location + ": no such resource on the classpath;"
                        + " check the name or package the policy file with the application");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            this.policy = CompiledPolicy.compile(PolicyDocuments.parse(text, location));
        } catch (IOException e) {
            throw new PolicyException("Cannot read policy " + location + ": " + e, e);
        }
    }

    @Override
    public String location() {
        return location;
    }

    @Override
    public CompiledPolicy current() {
        return policy;
    }
}
