package dev.valor.http.impl.dispatch;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The router's settings, ConfigAdmin PID {@code dev.valor.http}. */
@ObjectClassDefinition(name = "Valor HTTP router", description = "Limits and logging of the request path")
public @interface RouterConfig {

    String PID = "dev.valor.http";

    @AttributeDefinition(description = "Largest request body accepted, in bytes; larger answers 413")
    long max_body_bytes() default 10 * 1024 * 1024;

    @AttributeDefinition(
            description = "Request bodies held in memory at once, in bytes, all requests together; "
                    + "past it a request with a body is refused with 503. 0: a quarter of the heap")
    long max_buffered_bytes() default 0;

    @AttributeDefinition(description = "Time a request body may take before the minimum rate applies, in ms")
    long body_grace_ms() default 10_000;

    @AttributeDefinition(
            description = "Slowest a request body may arrive after the grace, in bytes a second; "
                    + "slower answers 408 and closes the connection (0: only the grace bounds it)")
    long body_min_rate() default 16 * 1024;

    @AttributeDefinition(description = "Default time limit for a plugin's answer, in ms; later answers 504")
    long timeout_ms() default 30_000;

    @AttributeDefinition(
            description = "Longest a streamed answer may run after its first byte, in ms; "
                    + "past it the connection is cut (the client sees an incomplete body)")
    long max_stream_ms() default 3_600_000;

    @AttributeDefinition(
            description = "Most requests inside plugins at once; more are refused with 503 at once, "
                    + "so a flood costs neither memory nor threads")
    int max_in_flight() default 2048;

    @AttributeDefinition(description = "Write one access log line per request (health checks excluded)")
    boolean access_log() default true;
}
