package dev.valor.sandbox.internal;

/**
 * Marks a failure that is an answer, not misbehaviour (a plug's error result, a pool that stayed
 * busy): it does not lower the plugin's priority the way a trap or a time-out does.
 */
public interface Excused {}
