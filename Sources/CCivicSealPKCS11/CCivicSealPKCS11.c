// Loads a PKCS #11 module and calls its functions. The types below follow PKCS #11 v2.40 §3 and the function table
// follows the order the specification fixes for CK_FUNCTION_LIST (a CK_VERSION, then 68 function pointers from
// C_Initialize to C_WaitForSlotEvent). Only the functions we call carry a prototype; the rest are placeholders that
// keep the offsets.

#include "CCivicSealPKCS11.h"

#include <dlfcn.h>
#include <string.h>

typedef unsigned long ck_ulong;
typedef unsigned char ck_byte;
typedef ck_ulong ck_rv;

typedef struct {
    ck_byte major, minor;
} ck_version;

typedef struct {
    ck_version cryptoki_version;
    ck_byte manufacturer_id[32];
    ck_ulong flags;
    ck_byte library_description[32];
    ck_version library_version;
} ck_info;

typedef struct {
    ck_byte label[32];
    ck_byte manufacturer_id[32];
    ck_byte model[16];
    ck_byte serial_number[16];
    ck_ulong flags;
    ck_ulong max_session_count, session_count, max_rw_session_count, rw_session_count;
    ck_ulong max_pin_length, min_pin_length;
    ck_ulong total_public_memory, free_public_memory, total_private_memory, free_private_memory;
    ck_version hardware_version, firmware_version;
    ck_byte utc_time[16];
} ck_token_info;

typedef struct {
    ck_ulong mechanism;
    void *parameter;
    ck_ulong parameter_length;
} ck_mechanism;

typedef struct {
    void *create_mutex, *destroy_mutex, *lock_mutex, *unlock_mutex;
    ck_ulong flags;
    void *reserved;
} ck_c_initialize_args;

typedef void *unused_function;

struct cs_p11_functions {
    ck_version version;
    ck_rv (*C_Initialize)(void *args);
    unused_function C_Finalize;
    ck_rv (*C_GetInfo)(ck_info *info);
    unused_function C_GetFunctionList;
    ck_rv (*C_GetSlotList)(ck_byte token_present, ck_ulong *slots, ck_ulong *count);
    unused_function C_GetSlotInfo;
    ck_rv (*C_GetTokenInfo)(ck_ulong slot, ck_token_info *info);
    unused_function C_GetMechanismList, C_GetMechanismInfo;
    ck_rv (*C_InitToken)(ck_ulong slot, const ck_byte *pin, ck_ulong pin_length, const ck_byte *label);
    ck_rv (*C_InitPIN)(ck_ulong session, const ck_byte *pin, ck_ulong pin_length);
    unused_function C_SetPIN;
    ck_rv (*C_OpenSession)(ck_ulong slot, ck_ulong flags, void *application, void *notify, ck_ulong *session);
    ck_rv (*C_CloseSession)(ck_ulong session);
    unused_function C_CloseAllSessions, C_GetSessionInfo, C_GetOperationState, C_SetOperationState;
    ck_rv (*C_Login)(ck_ulong session, ck_ulong user_type, const ck_byte *pin, ck_ulong pin_length);
    ck_rv (*C_Logout)(ck_ulong session);
    unused_function C_CreateObject, C_CopyObject;
    ck_rv (*C_DestroyObject)(ck_ulong session, ck_ulong object);
    unused_function C_GetObjectSize;
    ck_rv (*C_GetAttributeValue)(ck_ulong session, ck_ulong object, cs_p11_attribute *template_, ck_ulong count);
    unused_function C_SetAttributeValue;
    ck_rv (*C_FindObjectsInit)(ck_ulong session, cs_p11_attribute *template_, ck_ulong count);
    ck_rv (*C_FindObjects)(ck_ulong session, ck_ulong *objects, ck_ulong capacity, ck_ulong *found);
    ck_rv (*C_FindObjectsFinal)(ck_ulong session);
    unused_function C_EncryptInit, C_Encrypt, C_EncryptUpdate, C_EncryptFinal;
    unused_function C_DecryptInit, C_Decrypt, C_DecryptUpdate, C_DecryptFinal;
    unused_function C_DigestInit, C_Digest, C_DigestUpdate, C_DigestKey, C_DigestFinal;
    ck_rv (*C_SignInit)(ck_ulong session, ck_mechanism *mechanism, ck_ulong key);
    ck_rv (*C_Sign)(ck_ulong session, const ck_byte *data, ck_ulong length, ck_byte *signature,
                    ck_ulong *signature_length);
    unused_function C_SignUpdate, C_SignFinal, C_SignRecoverInit, C_SignRecover;
    unused_function C_VerifyInit, C_Verify, C_VerifyUpdate, C_VerifyFinal, C_VerifyRecoverInit, C_VerifyRecover;
    unused_function C_DigestEncryptUpdate, C_DecryptDigestUpdate, C_SignEncryptUpdate, C_DecryptVerifyUpdate;
    unused_function C_GenerateKey;
    ck_rv (*C_GenerateKeyPair)(ck_ulong session, ck_mechanism *mechanism, cs_p11_attribute *public_template,
                               ck_ulong public_count, cs_p11_attribute *private_template, ck_ulong private_count,
                               ck_ulong *public_key, ck_ulong *private_key);
    unused_function C_WrapKey, C_UnwrapKey, C_DeriveKey, C_SeedRandom, C_GenerateRandom;
    unused_function C_GetFunctionStatus, C_CancelFunction, C_WaitForSlotEvent;
};

// 68 function pointers after the version (padded to pointer alignment).
_Static_assert(sizeof(struct cs_p11_functions) == sizeof(void *) + 68 * sizeof(void *),
               "CK_FUNCTION_LIST must hold a CK_VERSION and 68 function pointers");

int cs_p11_load(const char *path, const cs_p11_functions **list_out, unsigned long *rv_out, char *error,
                unsigned long error_length) {
    *list_out = NULL;
    *rv_out = CKR_OK;
    if (error_length > 0) error[0] = 0;
    void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *reason = dlerror();
        if (reason != NULL && error_length > 0) {
            strncpy(error, reason, error_length - 1);
            error[error_length - 1] = 0;
        }
        return 1;
    }
    ck_rv (*get_function_list)(const cs_p11_functions **) = NULL;
    void *symbol = dlsym(library, "C_GetFunctionList");
    if (symbol == NULL) {
        dlclose(library);
        return 2;
    }
    memcpy(&get_function_list, &symbol, sizeof symbol);
    const cs_p11_functions *list = NULL;
    ck_rv rv = get_function_list(&list);
    if (rv != CKR_OK || list == NULL) {
        *rv_out = rv == CKR_OK ? CKR_GENERAL_ERROR : rv;
        dlclose(library);
        return 3;
    }
    *list_out = list;
    return 0;
}

unsigned long cs_p11_initialize(const cs_p11_functions *list) {
    ck_c_initialize_args args;
    memset(&args, 0, sizeof args);
    args.flags = CKF_OS_LOCKING_OK;
    return list->C_Initialize(&args);
}

/// Copies a blank-padded field into a NUL-terminated string without the trailing blanks.
static void unpad(char *out, const ck_byte *field, size_t size) {
    size_t length = size;
    while (length > 0 && (field[length - 1] == ' ' || field[length - 1] == 0)) length--;
    memcpy(out, field, length);
    out[length] = 0;
}

unsigned long cs_p11_get_info(const cs_p11_functions *list, cs_p11_info *info) {
    ck_info raw;
    memset(&raw, 0, sizeof raw);
    ck_rv rv = list->C_GetInfo(&raw);
    if (rv != CKR_OK) return rv;
    info->cryptoki_major = raw.cryptoki_version.major;
    info->cryptoki_minor = raw.cryptoki_version.minor;
    unpad(info->manufacturer, raw.manufacturer_id, sizeof raw.manufacturer_id);
    unpad(info->description, raw.library_description, sizeof raw.library_description);
    return CKR_OK;
}

unsigned long cs_p11_get_slot_list(const cs_p11_functions *list, unsigned long *slots, unsigned long *count) {
    return list->C_GetSlotList(1, slots, count);
}

unsigned long cs_p11_get_token_info(const cs_p11_functions *list, unsigned long slot, cs_p11_token_info *info) {
    ck_token_info raw;
    memset(&raw, 0, sizeof raw);
    ck_rv rv = list->C_GetTokenInfo(slot, &raw);
    if (rv != CKR_OK) return rv;
    unpad(info->label, raw.label, sizeof raw.label);
    unpad(info->manufacturer, raw.manufacturer_id, sizeof raw.manufacturer_id);
    unpad(info->model, raw.model, sizeof raw.model);
    unpad(info->serial, raw.serial_number, sizeof raw.serial_number);
    info->flags = raw.flags;
    return CKR_OK;
}

unsigned long cs_p11_open_session(const cs_p11_functions *list, unsigned long slot, unsigned long *session) {
    return list->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, session);
}

unsigned long cs_p11_close_session(const cs_p11_functions *list, unsigned long session) {
    return list->C_CloseSession(session);
}

unsigned long cs_p11_login(const cs_p11_functions *list, unsigned long session, unsigned long user_type,
                           const unsigned char *pin, unsigned long pin_length) {
    return list->C_Login(session, user_type, pin, pin_length);
}

unsigned long cs_p11_find_objects(const cs_p11_functions *list, unsigned long session,
                                  cs_p11_attribute *template_, unsigned long template_count, unsigned long *objects,
                                  unsigned long capacity, unsigned long *found) {
    *found = 0;
    ck_rv rv = list->C_FindObjectsInit(session, template_, template_count);
    if (rv != CKR_OK) return rv;
    rv = list->C_FindObjects(session, objects, capacity, found);
    ck_rv final = list->C_FindObjectsFinal(session);
    return rv != CKR_OK ? rv : final;
}

unsigned long cs_p11_get_attribute_value(const cs_p11_functions *list, unsigned long session, unsigned long object,
                                         cs_p11_attribute *template_, unsigned long count) {
    return list->C_GetAttributeValue(session, object, template_, count);
}

unsigned long cs_p11_sign(const cs_p11_functions *list, unsigned long session, unsigned long mechanism,
                          void *parameter, unsigned long parameter_length, unsigned long key,
                          const unsigned char *data, unsigned long data_length, unsigned char *signature,
                          unsigned long *signature_length) {
    ck_mechanism chosen = {mechanism, parameter, parameter_length};
    ck_rv rv = list->C_SignInit(session, &chosen, key);
    if (rv != CKR_OK) return rv;
    // With a buffer at least as large as any signature the key makes, C_Sign ends the operation either way.
    return list->C_Sign(session, data, data_length, signature, signature_length);
}

unsigned long cs_p11_generate_key_pair(const cs_p11_functions *list, unsigned long session, unsigned long mechanism,
                                       cs_p11_attribute *public_template, unsigned long public_count,
                                       cs_p11_attribute *private_template, unsigned long private_count,
                                       unsigned long *public_key, unsigned long *private_key) {
    ck_mechanism chosen = {mechanism, NULL, 0};
    return list->C_GenerateKeyPair(session, &chosen, public_template, public_count, private_template, private_count,
                                   public_key, private_key);
}

unsigned long cs_p11_destroy_object(const cs_p11_functions *list, unsigned long session, unsigned long object) {
    return list->C_DestroyObject(session, object);
}

unsigned long cs_p11_init_token(const cs_p11_functions *list, unsigned long slot, const unsigned char *so_pin,
                                unsigned long so_pin_length, const char *label) {
    ck_byte padded[32];
    memset(padded, ' ', sizeof padded);
    size_t length = strlen(label);
    memcpy(padded, label, length < sizeof padded ? length : sizeof padded);
    return list->C_InitToken(slot, so_pin, so_pin_length, padded);
}

unsigned long cs_p11_init_pin(const cs_p11_functions *list, unsigned long session, const unsigned char *pin,
                              unsigned long pin_length) {
    return list->C_InitPIN(session, pin, pin_length);
}

unsigned long cs_p11_logout(const cs_p11_functions *list, unsigned long session) {
    return list->C_Logout(session);
}

const char *cs_p11_return_name(unsigned long rv) {
    switch (rv) {
#define NAME(x) \
    case x: return #x;
        NAME(CKR_OK) NAME(CKR_CANCEL) NAME(CKR_HOST_MEMORY) NAME(CKR_SLOT_ID_INVALID) NAME(CKR_GENERAL_ERROR)
        NAME(CKR_FUNCTION_FAILED) NAME(CKR_ARGUMENTS_BAD) NAME(CKR_CANT_LOCK) NAME(CKR_ATTRIBUTE_READ_ONLY)
        NAME(CKR_ATTRIBUTE_SENSITIVE) NAME(CKR_ATTRIBUTE_TYPE_INVALID) NAME(CKR_ATTRIBUTE_VALUE_INVALID)
        NAME(CKR_ACTION_PROHIBITED) NAME(CKR_DATA_INVALID) NAME(CKR_DATA_LEN_RANGE) NAME(CKR_DEVICE_ERROR)
        NAME(CKR_DEVICE_MEMORY) NAME(CKR_DEVICE_REMOVED) NAME(CKR_FUNCTION_CANCELED) NAME(CKR_FUNCTION_NOT_SUPPORTED)
        NAME(CKR_KEY_HANDLE_INVALID) NAME(CKR_KEY_SIZE_RANGE) NAME(CKR_KEY_TYPE_INCONSISTENT)
        NAME(CKR_KEY_FUNCTION_NOT_PERMITTED) NAME(CKR_MECHANISM_INVALID) NAME(CKR_MECHANISM_PARAM_INVALID)
        NAME(CKR_OBJECT_HANDLE_INVALID) NAME(CKR_OPERATION_ACTIVE) NAME(CKR_OPERATION_NOT_INITIALIZED)
        NAME(CKR_PIN_INCORRECT) NAME(CKR_PIN_INVALID) NAME(CKR_PIN_LEN_RANGE) NAME(CKR_PIN_EXPIRED)
        NAME(CKR_PIN_LOCKED) NAME(CKR_SESSION_CLOSED) NAME(CKR_SESSION_COUNT) NAME(CKR_SESSION_HANDLE_INVALID)
        NAME(CKR_SESSION_PARALLEL_NOT_SUPPORTED) NAME(CKR_SESSION_READ_ONLY) NAME(CKR_TEMPLATE_INCOMPLETE)
        NAME(CKR_TEMPLATE_INCONSISTENT) NAME(CKR_TOKEN_NOT_PRESENT) NAME(CKR_TOKEN_NOT_RECOGNIZED)
        NAME(CKR_TOKEN_WRITE_PROTECTED) NAME(CKR_USER_ALREADY_LOGGED_IN) NAME(CKR_USER_NOT_LOGGED_IN)
        NAME(CKR_USER_PIN_NOT_INITIALIZED) NAME(CKR_USER_TYPE_INVALID) NAME(CKR_USER_ANOTHER_ALREADY_LOGGED_IN)
        NAME(CKR_RANDOM_NO_RNG) NAME(CKR_DOMAIN_PARAMS_INVALID) NAME(CKR_CURVE_NOT_SUPPORTED)
        NAME(CKR_BUFFER_TOO_SMALL) NAME(CKR_CRYPTOKI_NOT_INITIALIZED) NAME(CKR_CRYPTOKI_ALREADY_INITIALIZED)
        NAME(CKR_FUNCTION_REJECTED)
#undef NAME
    default: return NULL;
    }
}
