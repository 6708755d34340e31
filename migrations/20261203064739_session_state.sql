-- +goose Up
-- modify "refresh_tokens" table
ALTER TABLE "refresh_tokens" ADD COLUMN "successor_sealed" bytea NULL;

-- Session state (internal/session): each process caches whether an account's sessions and a
-- refresh family still count, and drops the entry when told here. pg_notify is delivered at commit
-- (and not on rollback); identical notifications of one transaction are sent once, so revoking every
-- token of an account is one message. The payload is a notify.Event: topic, entity = account id.
-- +goose StatementBegin
CREATE FUNCTION "staffcrm_session_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM pg_notify('staffcrm_sessions', json_build_object('t', 'session.all', 'e', 0)::text);
  ELSIF TG_TABLE_NAME = 'accounts' THEN
    PERFORM pg_notify('staffcrm_sessions', json_build_object('t', 'session.changed', 'e', OLD.id)::text);
  ELSE
    PERFORM pg_notify('staffcrm_sessions', json_build_object('t', 'session.changed', 'e', OLD.account_id)::text);
  END IF;
  RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER "session_changed" AFTER UPDATE ON "accounts" FOR EACH ROW
  WHEN (OLD.disabled IS DISTINCT FROM NEW.disabled OR OLD.token_version IS DISTINCT FROM NEW.token_version
    OR OLD.role IS DISTINCT FROM NEW.role OR OLD.agency_id IS DISTINCT FROM NEW.agency_id)
  EXECUTE FUNCTION "staffcrm_session_changed"();
CREATE TRIGGER "session_ended" AFTER DELETE ON "accounts" FOR EACH ROW EXECUTE FUNCTION "staffcrm_session_changed"();
CREATE TRIGGER "session_changed" AFTER UPDATE ON "refresh_tokens" FOR EACH ROW
  WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at) EXECUTE FUNCTION "staffcrm_session_changed"();
CREATE TRIGGER "session_ended" AFTER DELETE ON "refresh_tokens" FOR EACH ROW EXECUTE FUNCTION "staffcrm_session_changed"();
CREATE TRIGGER "session_ended_truncate" AFTER TRUNCATE ON "accounts" FOR EACH STATEMENT EXECUTE FUNCTION "staffcrm_session_changed"();
CREATE TRIGGER "session_ended_truncate" AFTER TRUNCATE ON "refresh_tokens" FOR EACH STATEMENT EXECUTE FUNCTION "staffcrm_session_changed"();

-- A new password, role or agency, or disabling the account, ends every session of it, whoever
-- writes the row (the API, an admin in psql): the token version moves unless the writer moved it.
-- +goose StatementBegin
CREATE FUNCTION "staffcrm_end_sessions_on_credential_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.token_version = OLD.token_version AND (NEW.password_hash IS DISTINCT FROM OLD.password_hash
      OR NEW.role IS DISTINCT FROM OLD.role OR NEW.agency_id IS DISTINCT FROM OLD.agency_id
      OR (NEW.disabled AND NOT OLD.disabled)) THEN
    NEW.token_version := OLD.token_version + 1;
  END IF;
  RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER "end_sessions_on_credential_change" BEFORE UPDATE ON "accounts" FOR EACH ROW
  EXECUTE FUNCTION "staffcrm_end_sessions_on_credential_change"();

-- +goose Down
DROP TRIGGER "end_sessions_on_credential_change" ON "accounts";
DROP FUNCTION "staffcrm_end_sessions_on_credential_change"();
DROP TRIGGER "session_changed" ON "accounts";
DROP TRIGGER "session_ended" ON "accounts";
DROP TRIGGER "session_ended_truncate" ON "accounts";
DROP TRIGGER "session_changed" ON "refresh_tokens";
DROP TRIGGER "session_ended" ON "refresh_tokens";
DROP TRIGGER "session_ended_truncate" ON "refresh_tokens";
DROP FUNCTION "staffcrm_session_changed"();
-- reverse: modify "refresh_tokens" table
ALTER TABLE "refresh_tokens" DROP COLUMN "successor_sealed";
