// SPDX-License-Identifier: MIT
/*
 * Filter parser: tokens -> state mask + a tree in one node array.
 *
 * Grammar (ss's misc/ssfilter.y, as ss 6.1 really behaves):
 *   filter   := { (state|exclude) STATE } [ exprlist ]
 *   exprlist := expr { [and|or] expr }     left to right, no precedence
 *   expr     := '(' exprlist ')' | not expr | predicate
 * ss's yacc rules put a single `expr` on the right of every and/or, so
 * `a or b and c` is `(a or b) and c` despite what ss(8) says; verified:
 * `sport = :22 or sport = :8080 and dport = :40001` shows only the 8080
 * socket.  We must match the sockets ss matches, so we do the same.
 */
#include <errno.h>
#include <net/if.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "filter_internal.h"
#include "lsock/i18n.h"
#include "lsock/strparse.h"

struct filter_parser {
	const struct filter_tokens *toks;
	int pos;
	int family;         /* the caller's preferred family */
	int restrict_family; /* AF_UNSPEC or the family the last FAMILY: prefix forced */
	unsigned flags;     /* FILTER_PARSE_* */
	struct filter *f;
	struct filter_error *err;
};

#define ST(s) SOCK_STATE_BIT(SOCK_STATE_##s)
#define STATES_SYN_RECV (ST(SYN_RECV) | ST(NEW_SYN_RECV))
#define STATES_BUCKET (STATES_SYN_RECV | ST(TIME_WAIT))
/*
 * What ss shows when state words leave the mask empty (`state listening
 * exclude listening`): its built-in default SS_CONN, connected minus the
 * minisockets, whatever -a or -l said.  Verified: ESTAB only, no TIME-WAIT.
 */
#define STATES_SS_EMPTY_DEFAULT (SOCK_STATES_CONNECTED & ~STATES_BUCKET)

struct state_name {
	const char *name;
	uint32_t mask;
};

/* ss's names; "close", "unconnected" and "syn-rcv" are ss aliases too. */
static const struct state_name state_names[] = {
	{ "established", ST(ESTABLISHED) },
	{ "syn-sent", ST(SYN_SENT) },
	{ "syn-recv", STATES_SYN_RECV },
	{ "syn-rcv", STATES_SYN_RECV },
	{ "fin-wait-1", ST(FIN_WAIT1) },
	{ "fin-wait-2", ST(FIN_WAIT2) },
	{ "time-wait", ST(TIME_WAIT) },
	{ "closed", ST(CLOSE) },
	{ "close", ST(CLOSE) },
	{ "unconnected", ST(CLOSE) },
	{ "close-wait", ST(CLOSE_WAIT) },
	{ "last-ack", ST(LAST_ACK) },
	{ "listening", ST(LISTEN) },
	{ "closing", ST(CLOSING) },
	{ "all", SOCK_STATES_ALL },
	{ "connected", SOCK_STATES_CONNECTED },
	{ "synchronized", SOCK_STATES_CONNECTED & ~ST(SYN_SENT) },
	{ "bucket", STATES_BUCKET },
	{ "big", SOCK_STATES_ALL & ~STATES_BUCKET },
};

static int filter_fail(struct filter_parser *p, int pos, const char *msg)
{
	const struct filter_tokens *t = p->toks;

	if (pos >= 0 && pos < t->len)
		return filter_error_set(p->err, t->tok[pos].word, t->tok[pos].text, msg);
	return filter_error_set(p->err, -1, NULL, msg);
}

static const struct filter_token *filter_peek(const struct filter_parser *p)
{
	return p->pos < p->toks->len ? &p->toks->tok[p->pos] : NULL;
}

static int filter_node_new(struct filter_parser *p, enum filter_node_type type)
{
	struct filter *f = p->f;

	/* The capacity is computed from the token count; running out is a bug. */
	if (f->len >= f->cap)
		return -ENOSPC;
	memset(&f->nodes[f->len], 0, sizeof(f->nodes[0]));
	f->nodes[f->len].type = (uint8_t)type;
	return f->len++;
}

static int filter_node_pair(struct filter_parser *p, enum filter_node_type type, int left, int right)
{
	int n = filter_node_new(p, type);

	if (n < 0)
		return n;
	p->f->nodes[n].left = left;
	p->f->nodes[n].right = right;
	return n;
}

static int filter_parse_states(struct filter_parser *p, uint32_t *mask, bool *seen)
{
	const struct filter_token *t;

	while ((t = filter_peek(p)) && (t->kind == FT_STATE || t->kind == FT_EXCLUDE)) {
		const struct filter_token *name;
		uint32_t bits = 0;
		size_t i;

		p->pos++;
		name = filter_peek(p);
		if (!name)
			return filter_fail(p, -1, t->kind == FT_STATE ? _("expected a state after 'state'") :
					   _("expected a state after 'exclude'"));
		for (i = 0; i < sizeof(state_names) / sizeof(state_names[0]); i++)
			if (strcasecmp(name->text, state_names[i].name) == 0)
				bits = state_names[i].mask;
		if (!bits)
			return filter_fail(p, p->pos, _("unknown state"));
		if (!*seen)
			*mask = t->kind == FT_STATE ? 0 : SOCK_STATES_ALL;
		*seen = true;
		if (t->kind == FT_STATE)
			*mask |= bits;
		else
			*mask &= ~bits;
		p->pos++;
	}
	return 0;
}

static uint32_t filter_final_states(bool seen, uint32_t mask, uint32_t default_states)
{
	if (!seen)
		return default_states;
	return mask ? mask : STATES_SS_EMPTY_DEFAULT;
}

static int filter_parse_exprlist(struct filter_parser *p, int depth);

/* src|dst [=|!=] HOST and sport|dport [OP] PORT */
static int filter_parse_hostpred(struct filter_parser *p, int kw)
{
	const struct filter_token *t = &p->toks->tok[kw], *op = filter_peek(p);
	bool is_port = t->kind == FT_SPORT || t->kind == FT_DPORT;
	enum filter_tok_kind cmp = FT_EQ;
	struct filter_host h;
	char msg[128];
	int n, r;

	if (op && op->kind >= FT_EQ && op->kind <= FT_LE) {
		cmp = (enum filter_tok_kind)op->kind;
		p->pos++;
		if (!is_port && cmp != FT_EQ && cmp != FT_NE)
			return filter_fail(p, p->pos - 1, _("addresses compare only with = or !="));
	}
	t = filter_peek(p);
	if (!t || t->kind != FT_WORD) {
		snprintf(msg, sizeof(msg), is_port ? _("expected a port after '%s'") :
			 _("expected an address after '%s'"), p->toks->tok[p->pos - 1].text);
		return filter_fail(p, p->pos, msg);
	}
	r = filter_host_parse(p->f, t->text, is_port, p->family, &h, msg, sizeof(msg));
	if (r == -EINVAL)
		return filter_fail(p, p->pos, msg);
	if (r)
		return r;
	p->pos++;
	if (h.explicit_family != AF_UNSPEC)
		p->restrict_family = h.explicit_family;

	if (cmp == FT_EQ || cmp == FT_NE) {
		n = filter_node_new(p, FN_HOST);
		if (n < 0)
			return n;
		p->f->nodes[n].host = h;
		p->f->nodes[n].side = (kw >= 0 && (p->toks->tok[kw].kind == FT_SRC ||
						   p->toks->tok[kw].kind == FT_SPORT)) ?
				      FILTER_SIDE_SRC : FILTER_SIDE_DST;
		if (cmp == FT_NE)
			n = filter_node_pair(p, FN_NOT, n, -1);
		return n;
	}
	if (h.port == FILTER_PORT_ANY)
		return filter_fail(p, p->pos - 1, _("a port comparison needs a port number"));
	n = filter_node_new(p, FN_PORT);
	if (n < 0)
		return n;
	p->f->nodes[n].side = p->toks->tok[kw].kind == FT_SPORT ? FILTER_SIDE_SRC : FILTER_SIDE_DST;
	p->f->nodes[n].value = (uint32_t)h.port;
	p->f->nodes[n].cmp = cmp == FT_GE ? FILTER_CMP_GE : cmp == FT_LE ? FILTER_CMP_LE :
			     cmp == FT_GT ? FILTER_CMP_GT : FILTER_CMP_LT;
	return n;
}

/*
 * dev [=|!=] NAME|INDEX: the device a socket is bound to (SO_BINDTODEVICE).
 * An index is one of the socket's own namespace, as in ss.  A name is kept
 * as a name: an ifindex means something only inside its namespace, so a
 * row is matched by the name its index has there (filter_eval.c).
 */
static int filter_parse_dev(struct filter_parser *p)
{
	const struct filter_token *t = filter_peek(p);
	bool negate = false, named = false;
	uint32_t idx, off = 0;
	int n, r;

	if (t && (t->kind == FT_EQ || t->kind == FT_NE)) {
		negate = t->kind == FT_NE;
		p->pos++;
		t = filter_peek(p);
	}
	if (!t || t->kind != FT_WORD)
		return filter_fail(p, p->pos, _("expected a device name or index after 'dev'"));
	if (filter_port_parse(t->text, &idx) || t->text[0] < '0' || t->text[0] > '9') {
		/* Looked up here too: a name no namespace of lsock's listing
		 * can have is a typo (with -G or -N it may be theirs only). */
		idx = if_nametoindex(t->text);
		if (!idx && !(p->flags & FILTER_PARSE_ANY_DEV))
			return filter_fail(p, p->pos, _("unknown device"));
		r = filter_string_store(p->f, t->text, &off);
		if (r < 0)
			return r;
		named = true;
	}
	p->pos++;
	n = filter_node_new(p, named ? FN_DEV_NAME : FN_DEV);
	if (n < 0)
		return n;
	p->f->nodes[n].value = named ? off : idx;
	p->f->nodes[n].ifindex = named ? idx : 0;
	/* Not a NOT node: a socket whose device is unknown (/proc rows) matches
	 * neither `dev = X` nor `dev != X`. */
	p->f->nodes[n].cmp = negate;
	return n;
}

/* The uid of user name, read from the passwd database (nsswitch) once, here. */
static int filter_user_uid(const char *name, uint32_t *ret)
{
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (getpwnam_r(name, &pw, buf, sizeof(buf), &res) != 0 || !res)
		return -ENOENT;
	*ret = (uint32_t)res->pw_uid;
	return 0;
}

/*
 * lsock extensions: pid|comm|uid|user [=|!=] VALUE.
 * pid and comm ask the owner map: they match when ANY process holding the
 * socket matches (a socket shared by a parent and its child has two), so
 * `pid != N` is `not pid = N`: no holder is N.  comm is an fnmatch glob on
 * the raw bytes of /proc/PID/comm, case-sensitive like the names.
 * uid and user compare the socket's uid (the kernel's sock_i_uid(), as
 * ss -e shows it); as with dev, a socket whose uid is unknown (a /proc row
 * the kernel does not describe) matches neither = nor !=.  A user name is
 * resolved now, so a typo is a usage error and not an empty listing.
 */
static int filter_parse_procpred(struct filter_parser *p, enum filter_tok_kind kw)
{
	const struct filter_token *t = filter_peek(p);
	bool negate = false;
	uint32_t value = 0;
	uint64_t v;
	int n, r;

	if (t && (t->kind == FT_EQ || t->kind == FT_NE)) {
		negate = t->kind == FT_NE;
		p->pos++;
		t = filter_peek(p);
	} else if (t && t->kind >= FT_GT && t->kind <= FT_LE) {
		return filter_fail(p, p->pos, _("pid, comm, uid and user compare only with = or !="));
	}
	switch (kw) {
	case FT_PID:
		if (!t || t->kind != FT_WORD)
			return filter_fail(p, p->pos, _("expected a process id after 'pid'"));
		if (strparse_dec(t->text, strlen(t->text), INT32_MAX, false, &v) || v == 0)
			return filter_fail(p, p->pos, _("a process id is a positive decimal number"));
		value = (uint32_t)v;
		break;
	case FT_UID:
		if (!t || t->kind != FT_WORD)
			return filter_fail(p, p->pos, _("expected a user id after 'uid'"));
		/* (uid_t)-1 is "no uid" to the kernel: no socket has it. */
		if (strparse_dec(t->text, strlen(t->text), UINT32_MAX - 1, false, &v))
			return filter_fail(p, p->pos, _("a user id is a decimal number"));
		value = (uint32_t)v;
		break;
	case FT_USER:
		if (!t || t->kind != FT_WORD)
			return filter_fail(p, p->pos, _("expected a user name after 'user'"));
		if (filter_user_uid(t->text, &value))
			return filter_fail(p, p->pos, _("unknown user"));
		break;
	default: /* FT_COMM */
		if (!t || t->kind != FT_WORD)
			return filter_fail(p, p->pos, _("expected a command name after 'comm'"));
		r = filter_string_store(p->f, t->text, &value);
		if (r)
			return r;
		break;
	}
	p->pos++;
	n = filter_node_new(p, kw == FT_PID ? FN_PID : kw == FT_COMM ? FN_COMM : FN_UID);
	if (n < 0)
		return n;
	p->f->nodes[n].value = value;
	if (kw == FT_UID || kw == FT_USER) {
		p->f->nodes[n].cmp = negate;
		return n;
	}
	return negate ? filter_node_pair(p, FN_NOT, n, -1) : n;
}

static int filter_parse_expr(struct filter_parser *p, int depth)
{
	const struct filter_token *t = filter_peek(p);
	int here = p->pos, n;

	if (!t)
		return filter_fail(p, -1, _("expected an expression"));
	if (depth > FILTER_MAX_DEPTH)
		return filter_fail(p, here, _("expression nested too deeply"));
	p->pos++;
	switch ((enum filter_tok_kind)t->kind) {
	case FT_LPAREN:
		if (filter_peek(p) && filter_peek(p)->kind == FT_RPAREN)
			return filter_fail(p, p->pos, _("empty parentheses"));
		n = filter_parse_exprlist(p, depth + 1);
		if (n < 0)
			return n;
		if (!filter_peek(p))
			return filter_fail(p, here, _("unbalanced '(': missing ')'"));
		p->pos++; /* filter_parse_exprlist stops only at ')' or the end */
		return n;
	case FT_NOT:
		n = filter_parse_expr(p, depth + 1);
		if (n < 0)
			return n;
		return filter_node_pair(p, FN_NOT, n, -1);
	case FT_SRC:
	case FT_DST:
	case FT_SPORT:
	case FT_DPORT:
		return filter_parse_hostpred(p, here);
	case FT_DEV:
		return filter_parse_dev(p);
	case FT_PID:
	case FT_COMM:
	case FT_UID:
	case FT_USER:
		return filter_parse_procpred(p, (enum filter_tok_kind)t->kind);
	case FT_RPAREN:
		return filter_fail(p, here, _("unbalanced ')'"));
	case FT_AND:
	case FT_OR:
		return filter_fail(p, here, _("expected an expression before this operator"));
	case FT_EQ:
	case FT_NE:
	case FT_GT:
	case FT_LT:
	case FT_GE:
	case FT_LE:
		return filter_fail(p, here, _("expected a predicate (src, dst, sport, dport, dev, pid, "
				   "comm, uid, user) before an operator"));
	case FT_STATE:
	case FT_EXCLUDE:
		return filter_fail(p, here, _("state and exclude must come before the expression"));
	case FT_UNSUPPORTED:
		return filter_fail(p, here, _("this ss predicate is not supported"));
	case FT_WORD:
		break;
	}
	return filter_fail(p, here, _("unknown keyword (expected src, dst, sport, dport, dev, pid, comm, "
			   "uid, user, not or '(')"));
}

static int filter_parse_exprlist(struct filter_parser *p, int depth)
{
	int left = filter_parse_expr(p, depth);

	while (left >= 0) {
		const struct filter_token *t = filter_peek(p);
		enum filter_node_type type = FN_AND;
		int right;

		if (!t || t->kind == FT_RPAREN)
			break;
		if (t->kind == FT_AND || t->kind == FT_OR) {
			type = t->kind == FT_AND ? FN_AND : FN_OR;
			p->pos++;
			if (!filter_peek(p))
				return filter_fail(p, -1, type == FN_AND ? _("expected an expression after 'and'") :
						   _("expected an expression after 'or'"));
		}
		right = filter_parse_expr(p, depth);
		if (right < 0)
			return right;
		left = filter_node_pair(p, type, left, right);
	}
	return left;
}

static int filter_parse_tokens(struct filter_parser *p, uint32_t default_states,
			       struct filter **ret, uint32_t *ret_states)
{
	const struct filter_tokens *toks = p->toks;
	uint32_t mask = 0;
	bool seen = false;
	struct filter *f;
	int r;

	r = filter_parse_states(p, &mask, &seen);
	if (r)
		return r;
	if (p->pos == toks->len) {
		*ret = NULL;
		*ret_states = filter_final_states(seen, mask, default_states);
		return 0;
	}

	/* Each token makes at most one node plus one `not` or implicit `and`;
	 * +2 for the family restriction. */
	f = calloc(1, sizeof(*f) + sizeof(f->nodes[0]) * (size_t)(2 * toks->len + 2));
	if (!f)
		return -ENOMEM;
	f->cap = 2 * toks->len + 2;
	p->f = f;
	r = filter_parse_exprlist(p, 0);
	if (r >= 0 && p->pos < toks->len)
		r = filter_fail(p, p->pos, _("unbalanced ')'"));
	if (r >= 0 && p->restrict_family != AF_UNSPEC) {
		/* ss: a FAMILY: prefix (or -4/-6/-x) narrows the whole query to
		 * that family, e.g. `not src inet6:[::1]` shows no IPv4 socket. */
		int fam = filter_node_new(p, FN_FAMILY);

		if (fam >= 0) {
			f->nodes[fam].family = (uint8_t)p->restrict_family;
			r = filter_node_pair(p, FN_AND, fam, r);
		} else {
			r = fam;
		}
	}
	if (r == -ENOSPC)
		r = filter_fail(p, -1, _("filter too complex"));
	if (r < 0) {
		filter_free(f);
		return r;
	}
	f->root = r;
	*ret = f;
	*ret_states = filter_final_states(seen, mask, default_states);
	return 0;
}

int filter_parse_family(int nwords, char *const words[], int family, uint32_t default_states,
			struct filter **ret, uint32_t *ret_states, struct filter_error *ret_err)
{
	return filter_parse_flags(nwords, words, family, 0, default_states, ret, ret_states,
				  ret_err);
}

int filter_parse_flags(int nwords, char *const words[], int family, unsigned flags,
		       uint32_t default_states, struct filter **ret, uint32_t *ret_states,
		       struct filter_error *ret_err)
{
	struct filter_tokens toks = { 0 };
	struct filter_parser p = { .family = family, .restrict_family = AF_UNSPEC, .flags = flags };
	int r;

	if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6 && family != AF_UNIX) {
		return filter_error_set(ret_err, -1, NULL, _("unsupported address family"));
	}
	r = filter_lex(nwords, words, &toks, ret_err);
	if (r)
		return r;
	p.toks = &toks;
	p.err = ret_err;
	r = filter_parse_tokens(&p, default_states, ret, ret_states);
	filter_tokens_free(&toks);
	return r;
}

int filter_parse(int nwords, char *const words[], uint32_t default_states,
		 struct filter **ret, uint32_t *ret_states, struct filter_error *ret_err)
{
	return filter_parse_family(nwords, words, AF_UNSPEC, default_states, ret, ret_states, ret_err);
}
