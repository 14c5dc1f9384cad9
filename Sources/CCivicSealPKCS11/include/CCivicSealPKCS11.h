#ifndef CCIVICSEAL_PKCS11_H
#define CCIVICSEAL_PKCS11_H

// The subset of PKCS #11 v2.40 (OASIS, "PKCS #11 Cryptographic Token Interface Base Specification" and "Current
// Mechanisms") CivicSeal uses, written from the specification's values; plus thin wrappers so that Swift never calls
// through the module's function table itself. Every CK_ULONG is `unsigned long` (LP64: 8 bytes, as the spec's
// Unix ABI says). The function table's layout lives in the .c file only; Swift sees it as an opaque pointer.

#include <stddef.h>

// ---- Return values (CKR_*) ----
#define CKR_OK 0x000UL
#define CKR_CANCEL 0x001UL
#define CKR_HOST_MEMORY 0x002UL
#define CKR_SLOT_ID_INVALID 0x003UL
#define CKR_GENERAL_ERROR 0x005UL
#define CKR_FUNCTION_FAILED 0x006UL
#define CKR_ARGUMENTS_BAD 0x007UL
#define CKR_CANT_LOCK 0x00AUL
#define CKR_ATTRIBUTE_READ_ONLY 0x010UL
#define CKR_ATTRIBUTE_SENSITIVE 0x011UL
#define CKR_ATTRIBUTE_TYPE_INVALID 0x012UL
#define CKR_ATTRIBUTE_VALUE_INVALID 0x013UL
#define CKR_ACTION_PROHIBITED 0x01BUL
#define CKR_DATA_INVALID 0x020UL
#define CKR_DATA_LEN_RANGE 0x021UL
#define CKR_DEVICE_ERROR 0x030UL
#define CKR_DEVICE_MEMORY 0x031UL
#define CKR_DEVICE_REMOVED 0x032UL
#define CKR_FUNCTION_CANCELED 0x050UL
#define CKR_FUNCTION_NOT_SUPPORTED 0x054UL
#define CKR_KEY_HANDLE_INVALID 0x060UL
#define CKR_KEY_SIZE_RANGE 0x062UL
#define CKR_KEY_TYPE_INCONSISTENT 0x063UL
#define CKR_KEY_FUNCTION_NOT_PERMITTED 0x068UL
#define CKR_MECHANISM_INVALID 0x070UL
#define CKR_MECHANISM_PARAM_INVALID 0x071UL
#define CKR_OBJECT_HANDLE_INVALID 0x082UL
#define CKR_OPERATION_ACTIVE 0x090UL
#define CKR_OPERATION_NOT_INITIALIZED 0x091UL
#define CKR_PIN_INCORRECT 0x0A0UL
#define CKR_PIN_INVALID 0x0A1UL
#define CKR_PIN_LEN_RANGE 0x0A2UL
#define CKR_PIN_EXPIRED 0x0A3UL
#define CKR_PIN_LOCKED 0x0A4UL
#define CKR_SESSION_CLOSED 0x0B0UL
#define CKR_SESSION_COUNT 0x0B1UL
#define CKR_SESSION_HANDLE_INVALID 0x0B3UL
#define CKR_SESSION_PARALLEL_NOT_SUPPORTED 0x0B4UL
#define CKR_SESSION_READ_ONLY 0x0B5UL
#define CKR_TEMPLATE_INCOMPLETE 0x0D0UL
#define CKR_TEMPLATE_INCONSISTENT 0x0D1UL
#define CKR_TOKEN_NOT_PRESENT 0x0E0UL
#define CKR_TOKEN_NOT_RECOGNIZED 0x0E1UL
#define CKR_TOKEN_WRITE_PROTECTED 0x0E2UL
#define CKR_USER_ALREADY_LOGGED_IN 0x100UL
#define CKR_USER_NOT_LOGGED_IN 0x101UL
#define CKR_USER_PIN_NOT_INITIALIZED 0x102UL
#define CKR_USER_TYPE_INVALID 0x103UL
#define CKR_USER_ANOTHER_ALREADY_LOGGED_IN 0x104UL
#define CKR_RANDOM_NO_RNG 0x121UL
#define CKR_DOMAIN_PARAMS_INVALID 0x130UL
#define CKR_CURVE_NOT_SUPPORTED 0x140UL
#define CKR_BUFFER_TOO_SMALL 0x150UL
#define CKR_CRYPTOKI_NOT_INITIALIZED 0x190UL
#define CKR_CRYPTOKI_ALREADY_INITIALIZED 0x191UL
#define CKR_FUNCTION_REJECTED 0x200UL

// ---- Object classes, key types, attributes ----
#define CKO_PUBLIC_KEY 0x2UL
#define CKO_PRIVATE_KEY 0x3UL
#define CKK_RSA 0x0UL
#define CKK_EC 0x3UL
#define CKA_CLASS 0x000UL
#define CKA_TOKEN 0x001UL
#define CKA_PRIVATE 0x002UL
#define CKA_LABEL 0x003UL
#define CKA_VALUE 0x011UL
#define CKA_KEY_TYPE 0x100UL
#define CKA_ID 0x102UL
#define CKA_SENSITIVE 0x103UL
#define CKA_SIGN 0x108UL
#define CKA_VERIFY 0x10AUL
#define CKA_MODULUS 0x120UL
#define CKA_MODULUS_BITS 0x121UL
#define CKA_PUBLIC_EXPONENT 0x122UL
#define CKA_EXTRACTABLE 0x162UL
#define CKA_LOCAL 0x163UL
#define CKA_NEVER_EXTRACTABLE 0x164UL
#define CKA_ALWAYS_SENSITIVE 0x165UL
#define CKA_EC_PARAMS 0x180UL
#define CKA_EC_POINT 0x181UL

// ---- Mechanisms ----
#define CKM_RSA_PKCS_KEY_PAIR_GEN 0x0000UL
#define CKM_RSA_PKCS 0x0001UL
#define CKM_RSA_PKCS_PSS 0x000DUL
#define CKM_SHA256 0x0250UL
#define CKM_SHA384 0x0260UL
#define CKM_SHA512 0x0270UL
#define CKM_EC_KEY_PAIR_GEN 0x1040UL
#define CKM_ECDSA 0x1041UL
#define CKG_MGF1_SHA256 0x2UL
#define CKG_MGF1_SHA384 0x3UL
#define CKG_MGF1_SHA512 0x4UL

// ---- Flags, user types ----
#define CKF_OS_LOCKING_OK 0x2UL      // CK_C_INITIALIZE_ARGS.flags
#define CKF_TOKEN_PRESENT 0x1UL      // CK_SLOT_INFO.flags
#define CKF_RW_SESSION 0x2UL         // C_OpenSession flags
#define CKF_SERIAL_SESSION 0x4UL
#define CKF_TOKEN_INITIALIZED 0x400UL // CK_TOKEN_INFO.flags
#define CKU_USER 0x1UL

/// Layout-identical to CK_ATTRIBUTE (type, pValue, ulValueLen).
typedef struct cs_p11_attribute {
    unsigned long type;
    void *value;
    unsigned long length;
} cs_p11_attribute;

/// Layout-identical to CK_RSA_PKCS_PSS_PARAMS (hashAlg, mgf, sLen).
typedef struct cs_p11_pss_params {
    unsigned long hash;
    unsigned long mgf;
    unsigned long salt_length;
} cs_p11_pss_params;

/// The fields of CK_INFO we read, NUL-terminated (the module's are blank-padded, not terminated).
typedef struct cs_p11_info {
    unsigned char cryptoki_major, cryptoki_minor;
    char manufacturer[33];
    char description[33];
} cs_p11_info;

/// The fields of CK_TOKEN_INFO we match on, NUL-terminated with trailing blanks removed.
typedef struct cs_p11_token_info {
    char label[33];
    char manufacturer[33];
    char model[17];
    char serial[17];
    unsigned long flags;
} cs_p11_token_info;

/// An opaque CK_FUNCTION_LIST.
typedef struct cs_p11_functions cs_p11_functions;

/// dlopen(path, RTLD_NOW | RTLD_LOCAL) and C_GetFunctionList. Returns 0, or 1 (dlopen failed), 2 (no
/// C_GetFunctionList symbol), 3 (C_GetFunctionList failed; `*rv_out` holds its CKR). `error` receives dlerror().
/// The library is never closed: modules live for the process.
int cs_p11_load(const char *path, const cs_p11_functions **list_out, unsigned long *rv_out, char *error,
                unsigned long error_length);

/// C_Initialize with CK_C_INITIALIZE_ARGS{flags: CKF_OS_LOCKING_OK}.
unsigned long cs_p11_initialize(const cs_p11_functions *list);
unsigned long cs_p11_get_info(const cs_p11_functions *list, cs_p11_info *info);
/// C_GetSlotList(tokenPresent = TRUE). On entry `*count` is the capacity of `slots`.
unsigned long cs_p11_get_slot_list(const cs_p11_functions *list, unsigned long *slots, unsigned long *count);
unsigned long cs_p11_get_token_info(const cs_p11_functions *list, unsigned long slot, cs_p11_token_info *info);
unsigned long cs_p11_open_session(const cs_p11_functions *list, unsigned long slot, unsigned long *session);
unsigned long cs_p11_close_session(const cs_p11_functions *list, unsigned long session);
unsigned long cs_p11_login(const cs_p11_functions *list, unsigned long session, unsigned long user_type,
                           const unsigned char *pin, unsigned long pin_length);
/// C_FindObjectsInit, C_FindObjects (up to `capacity` handles), C_FindObjectsFinal.
unsigned long cs_p11_find_objects(const cs_p11_functions *list, unsigned long session,
                                  cs_p11_attribute *template_, unsigned long template_count, unsigned long *objects,
                                  unsigned long capacity, unsigned long *found);
unsigned long cs_p11_get_attribute_value(const cs_p11_functions *list, unsigned long session, unsigned long object,
                                         cs_p11_attribute *template_, unsigned long count);
/// C_SignInit then C_Sign into `signature` (capacity in `*signature_length`, the length on return).
unsigned long cs_p11_sign(const cs_p11_functions *list, unsigned long session, unsigned long mechanism,
                          void *parameter, unsigned long parameter_length, unsigned long key,
                          const unsigned char *data, unsigned long data_length, unsigned char *signature,
                          unsigned long *signature_length);
unsigned long cs_p11_generate_key_pair(const cs_p11_functions *list, unsigned long session, unsigned long mechanism,
                                       cs_p11_attribute *public_template, unsigned long public_count,
                                       cs_p11_attribute *private_template, unsigned long private_count,
                                       unsigned long *public_key, unsigned long *private_key);
unsigned long cs_p11_destroy_object(const cs_p11_functions *list, unsigned long session, unsigned long object);

/// C_InitToken with `label` blank-padded to 32 bytes (longer labels are cut; callers check first).
unsigned long cs_p11_init_token(const cs_p11_functions *list, unsigned long slot, const unsigned char *so_pin,
                                unsigned long so_pin_length, const char *label);
unsigned long cs_p11_init_pin(const cs_p11_functions *list, unsigned long session, const unsigned char *pin,
                              unsigned long pin_length);
unsigned long cs_p11_logout(const cs_p11_functions *list, unsigned long session);
#define CKU_SO 0x0UL

/// The CKR_* name of a return value ("CKR_PIN_INCORRECT"), or NULL for one this header does not name.
const char *cs_p11_return_name(unsigned long rv);

#endif
