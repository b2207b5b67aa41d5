/* SPDX-License-Identifier: MIT */
/*
 * The streaming JSON writer: nesting and commas, every value type, escaped
 * strings, NDJSON with json_reset(), closing an interrupted document with
 * json_end_all(), and misuse recorded as the outbuf's sticky error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "lsock/json_writer.h"
#include "lsock/outbuf.h"

static int setup(void **state)
{
	static struct outbuf o;

	if (outbuf_init(&o, -1) < 0)
		return -1;
	*state = &o;
	return 0;
}

static int teardown(void **state)
{
	outbuf_free(*state);
	return 0;
}

static void test_nested(void **state)
{
	struct outbuf *o = *state;
	struct json_writer w;

	json_init(&w, o);
	json_begin_object(&w);
	json_key(&w, "a");
	json_u64(&w, 1);
	json_key(&w, "b");
	json_begin_array(&w);
	json_u64(&w, 1);
	json_i64(&w, -2);
	json_begin_object(&w);
	json_key(&w, "c");
	json_null(&w);
	json_key(&w, "d");
	json_bool(&w, true);
	json_end_object(&w);
	json_begin_array(&w);
	json_end_array(&w);
	json_end_array(&w);
	json_key(&w, "e");
	json_begin_object(&w);
	json_end_object(&w);
	json_key(&w, "f");
	json_bool(&w, false);
	json_key(&w, "g");
	json_cstring(&w, "x");
	json_end_object(&w);
	assert_int_equal(outbuf_error(o), 0);
	assert_int_equal(w.depth, 0);
	assert_string_equal(o->buf,
			    "{\"a\":1,\"b\":[1,-2,{\"c\":null,\"d\":true},[]],\"e\":{},"
			    "\"f\":false,\"g\":\"x\"}");
}

static void test_top_level_array(void **state)
{
	struct outbuf *o = *state;
	struct json_writer w;

	json_init(&w, o);
	json_begin_array(&w);
	for (int i = 0; i < 3; i++) {
		json_begin_object(&w);
		json_key(&w, "n");
		json_i64(&w, i);
		json_end_object(&w);
	}
	json_end_array(&w);
	assert_int_equal(outbuf_error(o), 0);
	assert_string_equal(o->buf, "[{\"n\":0},{\"n\":1},{\"n\":2}]");
}

static void test_numbers_extremes(void **state)
{
	struct outbuf *o = *state;
	struct json_writer w;

	json_init(&w, o);
	json_begin_array(&w);
	json_u64(&w, UINT64_MAX);
	json_i64(&w, INT64_MIN);
	json_i64(&w, INT64_MAX);
	json_u64(&w, 0);
	json_end_array(&w);
	assert_string_equal(o->buf, "[18446744073709551615,-9223372036854775808,"
				    "9223372036854775807,0]");
}

static void test_strings_escaped(void **state)
{
	static const char name[] = "\0abs\x1b]0;pwned\x07\n\"q\"\\\xff\xc2\x9b";
	struct outbuf *o = *state;
	struct json_writer w;

	json_init(&w, o);
	json_begin_object(&w);
	json_key(&w, "abstract");
	json_bool(&w, true);
	json_key(&w, "name");
	json_string(&w, name, sizeof(name) - 1);
	json_key(&w, "name_hex");
	json_hex(&w, name, 5);
	json_key(&w, "comm");
	json_cstring(&w, NULL);
	json_key(&w, "k\"ey\n");
	json_string(&w, NULL, 0);
	json_end_object(&w);
	assert_int_equal(outbuf_error(o), 0);
	assert_string_equal(o->buf,
			    "{\"abstract\":true,"
			    "\"name\":\"\\u0000abs\\u001b]0;pwned\\u0007\\n\\\"q\\\"\\\\"
			    "\xef\xbf\xbd\\u009b\","
			    "\"name_hex\":\"006162731b\","
			    "\"comm\":null,"
			    "\"k\\\"ey\\n\":\"\"}");
}

static void test_ndjson_reset(void **state)
{
	struct outbuf *o = *state;
	struct json_writer w;

	json_init(&w, o);
	for (int i = 0; i < 2; i++) {
		json_begin_object(&w);
		json_key(&w, "i");
		json_u64(&w, (uint64_t)i);
		json_end_object(&w);
		outbuf_putc(o, '\n');
		json_reset(&w);
	}
	/* A reset mid-document forgets the open containers: no comma follows. */
	json_begin_array(&w);
	json_u64(&w, 5);
	json_reset(&w);
	outbuf_putc(o, '\n');
	json_begin_array(&w);
	json_u64(&w, 6);
	json_end_array(&w);
	assert_int_equal(outbuf_error(o), 0);
	assert_string_equal(o->buf, "{\"i\":0}\n{\"i\":1}\n[5\n[6]");
}

static void test_end_all(void **state)
{
	struct outbuf *o = *state;
	struct json_writer w;

	json_init(&w, o);
	json_begin_object(&w);
	json_key(&w, "sockets");
	json_begin_array(&w);
	json_begin_object(&w);
	json_key(&w, "inode");
	json_end_all(&w);
	assert_int_equal(w.depth, 0);
	assert_int_equal(outbuf_error(o), 0);
	assert_string_equal(o->buf, "{\"sockets\":[{\"inode\":null}]}");
	/* Nothing open: nothing written. */
	json_end_all(&w);
	assert_string_equal(o->buf, "{\"sockets\":[{\"inode\":null}]}");
}

static void test_max_depth(void **state)
{
	struct outbuf *o = *state;
	struct json_writer w;

	json_init(&w, o);
	for (int i = 0; i < JSON_MAX_DEPTH; i++)
		json_begin_array(&w);
	assert_int_equal(outbuf_error(o), 0);
	assert_int_equal(w.depth, JSON_MAX_DEPTH);
	json_end_all(&w);
	assert_int_equal(outbuf_error(o), 0);
	assert_int_equal(o->len, 2 * JSON_MAX_DEPTH);
	assert_memory_equal(o->buf, "[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]", o->len);
}

static void test_overflow(void **state)
{
	struct outbuf *o = *state;
	struct json_writer w;

	json_init(&w, o);
	for (int i = 0; i <= JSON_MAX_DEPTH; i++)
		json_begin_array(&w);
	assert_int_equal(outbuf_error(o), -EOVERFLOW);
	assert_int_equal(w.depth, JSON_MAX_DEPTH);
}

/* Each misuse is recorded and stops the output. */
static void check_misuse(void (*misuse)(struct json_writer *w), const char *before)
{
	struct outbuf o;
	struct json_writer w;

	assert_int_equal(outbuf_init(&o, -1), 0);
	json_init(&w, &o);
	misuse(&w);
	assert_int_equal(outbuf_error(&o), -EINVAL);
	assert_string_equal(o.buf, before);
	json_u64(&w, 1);
	json_end_all(&w);
	assert_string_equal(o.buf, before);
	outbuf_free(&o);
}

static void key_at_top(struct json_writer *w)
{
	json_key(w, "a");
}

static void key_in_array(struct json_writer *w)
{
	json_begin_array(w);
	json_key(w, "a");
}

static void value_without_key(struct json_writer *w)
{
	json_begin_object(w);
	json_u64(w, 1);
}

static void key_twice(struct json_writer *w)
{
	json_begin_object(w);
	json_key(w, "a");
	json_key(w, "b");
}

static void end_after_key(struct json_writer *w)
{
	json_begin_object(w);
	json_key(w, "a");
	json_end_object(w);
}

static void end_wrong_kind(struct json_writer *w)
{
	json_begin_object(w);
	json_end_array(w);
}

static void end_at_top(struct json_writer *w)
{
	json_end_object(w);
}

static void test_misuse(void **state)
{
	(void)state;
	check_misuse(key_at_top, "");
	check_misuse(key_in_array, "[");
	check_misuse(value_without_key, "{");
	check_misuse(key_twice, "{\"a\":");
	check_misuse(end_after_key, "{\"a\":");
	check_misuse(end_wrong_kind, "{");
	check_misuse(end_at_top, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_nested, setup, teardown),
		cmocka_unit_test_setup_teardown(test_top_level_array, setup, teardown),
		cmocka_unit_test_setup_teardown(test_numbers_extremes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_strings_escaped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ndjson_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_end_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_depth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overflow, setup, teardown),
		cmocka_unit_test(test_misuse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
