DESCRIPTION="sqlite3: create a database, insert and query; enforced on another database with another schema"
prepare() {
  cat >shop.sql <<'SQL'
CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, price REAL);
INSERT INTO items(name, price) VALUES ('pen', 1.5), ('book', 12.0);
SELECT name, price FROM items ORDER BY price;
SQL
  mkdir -p data
  cat >inventory.sql <<'SQL'
CREATE TABLE stock(sku TEXT PRIMARY KEY, qty INTEGER);
CREATE INDEX stock_qty ON stock(qty);
BEGIN;
INSERT INTO stock VALUES ('a-1', 3), ('b-2', 0), ('c-3', 9);
COMMIT;
UPDATE stock SET qty = qty + 1 WHERE qty = 0;
SELECT sku, qty FROM stock WHERE qty > 0 ORDER BY qty DESC;
SQL
}
record_job() { RECORD=(sqlite3 shop.db ".read shop.sql"); }
enforce_job() { ENFORCE=(sqlite3 data/inventory.db ".read inventory.sql"); }
state() { ls data; }
