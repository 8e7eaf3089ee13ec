/*  qs_mongo_api - libmongoc (and libbson), loaded when a mongodb:// store is
    opened (qs_mongo_load, see qs_dl.h). Linked, libmongoc runs mongoc_init
    from its ELF constructor in every process that maps it: OpenSSL and the
    SASL plugins initialised, a shared-memory counters file, libicu, libssl
    and a dozen more libraries mapped, whatever the store URL says. Loaded
    here, only a process with a mongodb:// store pays for them.

    Every libmongoc / libbson function the storage driver and the
    repositories call is listed once below (QS_MONGO_FUNCTIONS); after this
    header each of those names stands for the pointer loaded into
    qs_mongo_api, so the MongoDB code keeps calling the driver's API by its
    own names. A name missing from the list fails the link (the binaries do
    not link libmongoc). Include this header, not <mongoc/mongoc.h>: it must
    come before any use of those names. */
#ifndef QS_MONGO_API_H
#define QS_MONGO_API_H

#include <mongoc/mongoc.h>
#include <stddef.h>

#define QS_MONGO_FUNCTIONS(X) \
    X (bcon_append) \
    X (bcon_new) \
    X (bson_append_array) \
    X (bson_append_array_begin) \
    X (bson_append_array_end) \
    X (bson_append_date_time) \
    X (bson_append_document_begin) \
    X (bson_append_document_end) \
    X (bson_append_int64) \
    X (bson_append_null) \
    X (bson_append_utf8) \
    X (bson_bcon_magic) \
    X (bson_concat) \
    X (bson_destroy) \
    X (bson_init_static) \
    X (bson_iter_as_int64) \
    X (bson_iter_bool) \
    X (bson_iter_date_time) \
    X (bson_iter_document) \
    X (bson_iter_init_find) \
    X (bson_iter_next) \
    X (bson_iter_recurse) \
    X (bson_iter_type) \
    X (bson_iter_utf8) \
    X (bson_new) \
    X (mongoc_client_command_simple) \
    X (mongoc_client_get_collection) \
    X (mongoc_client_get_database) \
    X (mongoc_client_pool_destroy) \
    X (mongoc_client_pool_new) \
    X (mongoc_client_pool_pop) \
    X (mongoc_client_pool_push) \
    X (mongoc_client_pool_set_appname) \
    X (mongoc_client_pool_set_error_api) \
    X (mongoc_collection_delete_many) \
    X (mongoc_collection_delete_one) \
    X (mongoc_collection_destroy) \
    X (mongoc_collection_find_and_modify_with_opts) \
    X (mongoc_collection_find_with_opts) \
    X (mongoc_collection_insert_one) \
    X (mongoc_collection_update_one) \
    X (mongoc_cursor_destroy) \
    X (mongoc_cursor_error) \
    X (mongoc_cursor_next) \
    X (mongoc_database_destroy) \
    X (mongoc_database_write_command_with_opts) \
    X (mongoc_find_and_modify_opts_destroy) \
    X (mongoc_find_and_modify_opts_new) \
    X (mongoc_find_and_modify_opts_set_flags) \
    X (mongoc_find_and_modify_opts_set_update) \
    X (mongoc_init) \
    X (mongoc_log_set_handler) \
    X (mongoc_uri_destroy) \
    X (mongoc_uri_get_database) \
    X (mongoc_uri_has_option) \
    X (mongoc_uri_new_with_error) \
    X (mongoc_uri_set_option_as_bool) \
    X (mongoc_uri_set_option_as_int32)

typedef struct {
#define QS_MONGO_FIELD(name) __typeof__ (name) *p_##name;
    QS_MONGO_FUNCTIONS (QS_MONGO_FIELD)
#undef QS_MONGO_FIELD
} qs_mongo_api_t;

/*  The loaded functions; valid after qs_mongo_load returned 0. */
extern qs_mongo_api_t qs_mongo_api;

/*  Load libmongoc once (any thread; later calls return the first result).
    0, or -1 with why (size bytes) saying why it could not be loaded. */
int qs_mongo_load (char *why, size_t size);

/*  Before the first qs_mongo_load only: load soname instead of
    libmongoc-1.0.so.0 (tests: a missing driver). Not thread-safe. */
void qs_mongo_use_library (const char *soname);

#define bcon_append (*qs_mongo_api.p_bcon_append)
#define bcon_new (*qs_mongo_api.p_bcon_new)
#define bson_append_array (*qs_mongo_api.p_bson_append_array)
#define bson_append_array_begin (*qs_mongo_api.p_bson_append_array_begin)
#define bson_append_array_end (*qs_mongo_api.p_bson_append_array_end)
#define bson_append_date_time (*qs_mongo_api.p_bson_append_date_time)
#define bson_append_document_begin (*qs_mongo_api.p_bson_append_document_begin)
#define bson_append_document_end (*qs_mongo_api.p_bson_append_document_end)
#define bson_append_int64 (*qs_mongo_api.p_bson_append_int64)
#define bson_append_null (*qs_mongo_api.p_bson_append_null)
#define bson_append_utf8 (*qs_mongo_api.p_bson_append_utf8)
#define bson_bcon_magic (*qs_mongo_api.p_bson_bcon_magic)
#define bson_concat (*qs_mongo_api.p_bson_concat)
#define bson_destroy (*qs_mongo_api.p_bson_destroy)
#define bson_init_static (*qs_mongo_api.p_bson_init_static)
#define bson_iter_as_int64 (*qs_mongo_api.p_bson_iter_as_int64)
#define bson_iter_bool (*qs_mongo_api.p_bson_iter_bool)
#define bson_iter_date_time (*qs_mongo_api.p_bson_iter_date_time)
#define bson_iter_document (*qs_mongo_api.p_bson_iter_document)
#define bson_iter_init_find (*qs_mongo_api.p_bson_iter_init_find)
#define bson_iter_next (*qs_mongo_api.p_bson_iter_next)
#define bson_iter_recurse (*qs_mongo_api.p_bson_iter_recurse)
#define bson_iter_type (*qs_mongo_api.p_bson_iter_type)
#define bson_iter_utf8 (*qs_mongo_api.p_bson_iter_utf8)
#define bson_new (*qs_mongo_api.p_bson_new)
#define mongoc_client_command_simple (*qs_mongo_api.p_mongoc_client_command_simple)
#define mongoc_client_get_collection (*qs_mongo_api.p_mongoc_client_get_collection)
#define mongoc_client_get_database (*qs_mongo_api.p_mongoc_client_get_database)
#define mongoc_client_pool_destroy (*qs_mongo_api.p_mongoc_client_pool_destroy)
#define mongoc_client_pool_new (*qs_mongo_api.p_mongoc_client_pool_new)
#define mongoc_client_pool_pop (*qs_mongo_api.p_mongoc_client_pool_pop)
#define mongoc_client_pool_push (*qs_mongo_api.p_mongoc_client_pool_push)
#define mongoc_client_pool_set_appname (*qs_mongo_api.p_mongoc_client_pool_set_appname)
#define mongoc_client_pool_set_error_api (*qs_mongo_api.p_mongoc_client_pool_set_error_api)
#define mongoc_collection_delete_many (*qs_mongo_api.p_mongoc_collection_delete_many)
#define mongoc_collection_delete_one (*qs_mongo_api.p_mongoc_collection_delete_one)
#define mongoc_collection_destroy (*qs_mongo_api.p_mongoc_collection_destroy)
#define mongoc_collection_find_and_modify_with_opts (*qs_mongo_api.p_mongoc_collection_find_and_modify_with_opts)
#define mongoc_collection_find_with_opts (*qs_mongo_api.p_mongoc_collection_find_with_opts)
#define mongoc_collection_insert_one (*qs_mongo_api.p_mongoc_collection_insert_one)
#define mongoc_collection_update_one (*qs_mongo_api.p_mongoc_collection_update_one)
#define mongoc_cursor_destroy (*qs_mongo_api.p_mongoc_cursor_destroy)
#define mongoc_cursor_error (*qs_mongo_api.p_mongoc_cursor_error)
#define mongoc_cursor_next (*qs_mongo_api.p_mongoc_cursor_next)
#define mongoc_database_destroy (*qs_mongo_api.p_mongoc_database_destroy)
#define mongoc_database_write_command_with_opts (*qs_mongo_api.p_mongoc_database_write_command_with_opts)
#define mongoc_find_and_modify_opts_destroy (*qs_mongo_api.p_mongoc_find_and_modify_opts_destroy)
#define mongoc_find_and_modify_opts_new (*qs_mongo_api.p_mongoc_find_and_modify_opts_new)
#define mongoc_find_and_modify_opts_set_flags (*qs_mongo_api.p_mongoc_find_and_modify_opts_set_flags)
#define mongoc_find_and_modify_opts_set_update (*qs_mongo_api.p_mongoc_find_and_modify_opts_set_update)
#define mongoc_init (*qs_mongo_api.p_mongoc_init)
#define mongoc_log_set_handler (*qs_mongo_api.p_mongoc_log_set_handler)
#define mongoc_uri_destroy (*qs_mongo_api.p_mongoc_uri_destroy)
#define mongoc_uri_get_database (*qs_mongo_api.p_mongoc_uri_get_database)
#define mongoc_uri_has_option (*qs_mongo_api.p_mongoc_uri_has_option)
#define mongoc_uri_new_with_error (*qs_mongo_api.p_mongoc_uri_new_with_error)
#define mongoc_uri_set_option_as_bool (*qs_mongo_api.p_mongoc_uri_set_option_as_bool)
#define mongoc_uri_set_option_as_int32 (*qs_mongo_api.p_mongoc_uri_set_option_as_int32)

#endif
