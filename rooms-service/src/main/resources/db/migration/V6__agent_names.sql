-- An agent's display name in a tenant (contract §5: `name` on a member add), shown as the `name` of the agent in
-- every roster and as the `senderName` of its next messages; without one the agent is shown by its slug. One row
-- per tenant and agent, whatever the rooms (ADR 0049). Humans' names come from the roster, never from here.
CREATE TABLE agent_names (
    tenant     text        NOT NULL,
    ref        text        NOT NULL,
    name       text        NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (tenant, ref)
);
