-- ruleid: sql.hardcoded-password
CREATE USER app WITH PASSWORD 'Sh0p!2024prod';
-- ruleid: sql.hardcoded-password
CREATE USER 'report'@'10.0.%' IDENTIFIED BY 'r3p0rt-pass';
-- ok: sql.hardcoded-password
CREATE ROLE readonly NOLOGIN;
-- ok: sql.hardcoded-password
ALTER USER app WITH CONNECTION LIMIT 50;
