"""psycopg 3 on the other side of CivicSealPostgres: writes rows of every type our client binds, or reads rows our
client wrote, printing them as JSON in an exact form (floats as their IEEE bits, bytea as hex, timestamptz as
microseconds since 2000-01-01 UTC, json/jsonb as the server's text).

Input on stdin (JSON): host (the socket directory), port, user, password, dbname, table, mode ("write" | "read").
"""
import datetime
import json
import struct
import sys

import psycopg
from psycopg.types.json import Json, Jsonb

EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
UTC = datetime.timezone.utc

ROWS = [
    (1, 'Nguyễn "quoted" \\ ✓ \U0001F600', -32768, 2147483647, -9223372036854775808, True, 0.1, bytes(range(256)),
     datetime.datetime(2026, 12, 5, 4, 20, 1, 123456, tzinfo=UTC), Json({"a": [1, 2]}), Jsonb({"b": None}), None),
    (2, '', 0, -1, 9223372036854775807, False, -1.5e300, b'',
     datetime.datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC), Json([]), Jsonb({"k": "v", "n": 1.5}), None),
]


def main():
    request = json.load(sys.stdin)
    with psycopg.connect(host=request["host"], port=request["port"], user=request["user"],
                         password=request["password"], dbname=request["dbname"]) as connection:
        table = request["table"]
        if request["mode"] == "write":
            with connection.cursor() as cursor:
                statement = f"INSERT INTO {table} VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
                cursor.execute(statement, ROWS[0])  # text format parameters
                cursor.execute(statement, ROWS[1], binary=True)  # binary format parameters
            connection.commit()
            print(json.dumps({"written": len(ROWS)}))
            return
        rows = connection.execute(
            f"SELECT id, t, i2, i4, i8, b, f, d, ts, j::text, jb::text, n FROM {table} ORDER BY id").fetchall()
        out = []
        for (id_, t, i2, i4, i8, b, f, d, ts, j, jb, n) in rows:
            out.append({
                "id": id_, "t": t, "i2": i2, "i4": i4, "i8": i8, "b": b,
                "f": struct.pack(">d", f).hex(), "d": bytes(d).hex(),
                "ts": (ts - EPOCH) // datetime.timedelta(microseconds=1), "j": j, "jb": jb, "n": n,
            })
        print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
