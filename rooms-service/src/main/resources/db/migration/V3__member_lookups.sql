-- A room's agent members by index (a post's inbox deliveries, an app token's access check), so neither reads the
-- whole roster of a big room (ADR 0044). Lookups of one member use room_members_room_ref_key.
CREATE INDEX room_members_room_app ON room_members (room_id, app) WHERE app IS NOT NULL;
