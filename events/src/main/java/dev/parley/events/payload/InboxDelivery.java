package dev.parley.events.payload;

/** {@code room.message} on an app's {@code inbox}: one per agent of the app in the room. */
public record InboxDelivery(String target, String roomId, RoomMessage message, boolean mentioned) {
}
