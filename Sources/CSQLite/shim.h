#ifndef CIVICSEAL_CSQLITE_SHIM_H
#define CIVICSEAL_CSQLITE_SHIM_H

/* The only header of the CSQLite system module: sqlite3.h plus prefixed static
 * inline wrappers for what does not import into Swift. */

#include <sqlite3.h>

/* SQLITE_TRANSIENT is a cast of -1 to a function pointer: Swift cannot import it. */
static inline sqlite3_destructor_type cs_sqlite3_transient(void) { return SQLITE_TRANSIENT; }

/* sqlite3_db_config is variadic. */
static inline int cs_sqlite3_db_config_int(sqlite3 *db, int option, int value, int *result) {
    return sqlite3_db_config(db, option, value, result);
}

/* sqlite3_config is variadic. Turns off SQLite's global memory statistics, which take a process-wide mutex on
 * every allocation; only valid before the library initialises (SQLITE_MISUSE after, which is harmless). */
static inline int cs_sqlite3_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

#endif
