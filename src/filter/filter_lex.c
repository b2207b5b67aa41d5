// SPDX-License-Identifier: MIT
/*
 * Filter lexer: argv words -> classified tokens.
 *
 * ss re-splits every argv word on blanks, so `ss '( sport = :22 )'` and
 * `ss ( sport = :22 )` mean the same; a backslash escapes the next byte.  We
 * do the same, and remember which argv word each token came from so errors
 * can point at it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter_internal.h"
#include "lsock/escape.h"
#include "lsock/i18n.h"

struct keyword {
	const char *name;
	enum filter_tok_kind kind;
};

static const struct keyword keywords[] = {
	{ "and", FT_AND }, { "&&", FT_AND }, { "&", FT_AND },
	{ "or", FT_OR }, { "||", FT_OR }, { "|", FT_OR },
	{ "not", FT_NOT }, { "!", FT_NOT },
	{ "(", FT_LPAREN }, { ")", FT_RPAREN },
	{ "src", FT_SRC }, { "dst", FT_DST },
	{ "sport", FT_SPORT }, { "dport", FT_DPORT },
	{ "dev", FT_DEV },
	{ "=", FT_EQ }, { "==", FT_EQ }, { "eq", FT_EQ },
	{ "!=", FT_NE }, { "ne", FT_NE }, { "neq", FT_NE },
	{ ">", FT_GT }, { "gt", FT_GT },
	{ "<", FT_LT }, { "lt", FT_LT },
	{ ">=", FT_GE }, { "ge", FT_GE }, { "geq", FT_GE },
	{ "<=", FT_LE }, { "le", FT_LE }, { "leq", FT_LE },
	{ "state", FT_STATE }, { "exclude", FT_EXCLUDE }, { "excl", FT_EXCLUDE },
	{ "autobound", FT_UNSUPPORTED }, { "fwmark", FT_UNSUPPORTED },
	{ "cgroup", FT_UNSUPPORTED },
	{ "pid", FT_PID }, { "comm", FT_COMM }, { "uid", FT_UID }, { "user", FT_USER },
};

static enum filter_tok_kind filter_lex_classify(const char *s)
{
	size_t i;

	/* Case-sensitive, as ss: `AND` is not a keyword there either. */
	for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (strcmp(s, keywords[i].name) == 0)
			return keywords[i].kind;
	return FT_WORD;
}

int filter_error_set(struct filter_error *ret_err, int word, const char *token, const char *msg)
{
	char tok[96];

	ret_err->word = word;
	snprintf(ret_err->token, sizeof(ret_err->token), "%s", token ? token : "");
	snprintf(ret_err->message, sizeof(ret_err->message), "%s", msg);
	/* One line, whatever bytes the user typed. */
	if (ret_err->token[0])
		snprintf(ret_err->line, sizeof(ret_err->line), _("bad filter at '%s': %s"),
			 esc_text_cstr(ret_err->token, tok, sizeof(tok)), ret_err->message);
	else
		snprintf(ret_err->line, sizeof(ret_err->line), _("bad filter: %s"), ret_err->message);
	return -EINVAL;
}

static int filter_lex_too_long(struct filter_error *ret_err, int word)
{
	filter_error_set(ret_err, word, NULL, _("filter too long"));
	return -EINVAL;
}

int filter_lex(int nwords, char *const words[], struct filter_tokens *ret,
	       struct filter_error *ret_err)
{
	struct filter_tokens t = { 0 };
	size_t total = 0, out = 0;
	int i, cap = 0;

	if (nwords < 0)
		return -EINVAL;
	for (i = 0; i < nwords; i++) {
		if (!words[i])
			continue;
		total += strnlen(words[i], FILTER_MAX_BYTES + 1) + 1;
		if (total > FILTER_MAX_BYTES)
			return filter_lex_too_long(ret_err, i);
	}
	/* Every token needs at least one byte and one separator. */
	cap = (int)(total / 2) + 1;
	t.buf = malloc(total + 1);
	t.tok = calloc((size_t)cap, sizeof(*t.tok));
	if (!t.buf || !t.tok) {
		filter_tokens_free(&t);
		return -ENOMEM;
	}

	for (i = 0; i < nwords; i++) {
		const char *p = words[i];

		if (!p)
			continue;
		while (*p) {
			char *start;

			while (*p == ' ' || *p == '\t')
				p++;
			if (!*p)
				break;
			start = t.buf + out;
			while (*p && *p != ' ' && *p != '\t') {
				if (*p == '\\') {
					p++;
					if (!*p)
						break;
				}
				t.buf[out++] = *p++;
			}
			t.buf[out++] = '\0';
			if (t.len >= FILTER_MAX_TOKENS || t.len >= cap) {
				filter_tokens_free(&t);
				return filter_lex_too_long(ret_err, i);
			}
			t.tok[t.len].text = start;
			t.tok[t.len].word = i;
			/* An escaped keyword (`\and`) is still a keyword in ss; so here. */
			t.tok[t.len].kind = filter_lex_classify(start);
			t.len++;
		}
	}
	*ret = t;
	return 0;
}

void filter_tokens_free(struct filter_tokens *t)
{
	free(t->tok);
	free(t->buf);
	t->tok = NULL;
	t->buf = NULL;
	t->len = 0;
}
