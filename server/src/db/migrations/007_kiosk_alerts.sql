-- Issue 4: what a kiosk needs a person for (card issuance stopped after its retries, a card not taken and taken
-- back into the reject box, a card stuck in the printer). References only (application ids, card numbers, chip
-- serials), never names or ID numbers. Staff mark an alert handled.
CREATE TABLE kiosk_alerts (
  alert_id text PRIMARY KEY,
  kiosk_id text NOT NULL REFERENCES kiosks (kiosk_id),
  kind text NOT NULL CHECK (kind IN ('cardIssuanceStopped', 'cardNotTaken', 'cardStuck', 'cardStockLow', 'deviceFault')),
  reference text,
  detail text NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'handled')),
  created_at timestamptz NOT NULL,
  handled_at timestamptz,
  handled_by text REFERENCES staff (staff_number)
);
CREATE INDEX kiosk_alerts_open ON kiosk_alerts (kiosk_id, created_at) WHERE status = 'open';
