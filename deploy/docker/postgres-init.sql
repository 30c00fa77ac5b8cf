-- Run once by the postgres:16 image on an empty data directory (docker-entrypoint-initdb.d).
-- Mirrors deploy/local/postgres.sh: one role, one database per service.
CREATE ROLE opsledger LOGIN CREATEDB PASSWORD 'opsledger';
CREATE DATABASE opsledger_callcenter OWNER opsledger;
CREATE DATABASE opsledger_dispatch OWNER opsledger;
CREATE DATABASE opsledger_fleet OWNER opsledger;
CREATE DATABASE opsledger_permits OWNER opsledger;
CREATE DATABASE opsledger_secrets_registry OWNER opsledger;
CREATE DATABASE opsledger_ledger OWNER opsledger;
CREATE DATABASE opsledger_dashboard OWNER opsledger;
