package dev.governed.service.audit;

/** An event as stored: its position in the service's store (the paging cursor), its JSON and whether its hash checked out. */
public record StoredEvent(long position, String id, String body, boolean hashValid) {}
