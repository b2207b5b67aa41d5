/* SPDX-License-Identifier: MIT */
/*
 * Extension records: what sock_diag says about a socket beyond the base
 * message, kept only when some shown column asks for it (-o, -i, -m, -e).
 * They live in a side array of the socket table (sock_table_ext()); an
 * entry points at its record with ext_idx (0: none), so `lsock -tan` pays
 * four bytes per socket and nothing else.
 *
 * As everywhere in the model, the record keeps what the kernel said, with
 * its units: formatting (ss's vocabulary, JSON keys with units) is late.
 */
#ifndef LSOCK_SOCK_EXT_H
#define LSOCK_SOCK_EXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Which parts to collect: the plan's answer, from the shown columns. */
enum sock_ext_part {
	SOCK_EXT_TIMER = 1u << 0,    /* idiag_timer/expires/retrans (base message) */
	SOCK_EXT_SHUTDOWN = 1u << 1, /* INET_DIAG_SHUTDOWN / UNIX_DIAG_SHUTDOWN (always sent) */
	SOCK_EXT_INFO = 1u << 2,     /* tcp_info, congestion algorithm, BBR/DCTCP/Vegas info */
	SOCK_EXT_MEMORY = 1u << 3,   /* skmem (and inet_diag_meminfo) */
	SOCK_EXT_VFS = 1u << 4,      /* UNIX: device and inode of the bound path */
	SOCK_EXT_ICONS = 1u << 5,    /* UNIX: inodes of a listener's pending connections */
};

/* Which fields of a record the kernel sent. */
enum sock_ext_have {
	SOCK_EXT_HAVE_TIMER = 1u << 0,
	SOCK_EXT_HAVE_SHUTDOWN = 1u << 1,
	SOCK_EXT_HAVE_INFO = 1u << 2,    /* info_len bytes of info */
	SOCK_EXT_HAVE_CONG = 1u << 3,
	SOCK_EXT_HAVE_SKMEM = 1u << 4,   /* skmem_n words of skmem */
	SOCK_EXT_HAVE_MEMINFO = 1u << 5,
	SOCK_EXT_HAVE_VFS = 1u << 6,
	SOCK_EXT_HAVE_ICONS = 1u << 7,   /* icons_n inodes at icons_off */
	SOCK_EXT_HAVE_BBR = 1u << 8,
	SOCK_EXT_HAVE_DCTCP = 1u << 9,
	SOCK_EXT_HAVE_VEGAS = 1u << 10,
};

/* idiag_timer (inet_sk_diag_fill(), inet_twsk_diag_fill()). */
enum sock_timer_kind {
	SOCK_TIMER_OFF = 0,
	SOCK_TIMER_ON = 1,        /* retransmit, reorder or tail-loss probe */
	SOCK_TIMER_KEEPALIVE = 2,
	SOCK_TIMER_TIMEWAIT = 3,
	SOCK_TIMER_PERSIST = 4,   /* zero-window probe */
	SOCK_TIMER_DELACK = 5,    /* newer kernels */
	_SOCK_TIMER_MAX,
};

/*
 * struct tcp_info as kernel 6.18 sends it (280 bytes; include/uapi/linux/
 * tcp.h, a stable ABI that only grows at the end).  An older kernel sends
 * a prefix, a newer one more: the parser copies min(len, sizeof) and keeps
 * info_len, so a field past info_len is unknown (sock_ext_info_has()).
 */
struct sock_tcp_info {
	uint8_t state;
	uint8_t ca_state;
	uint8_t retransmits;
	uint8_t probes;
	uint8_t backoff;
	uint8_t options;        /* TCPI_OPT_* */
	uint8_t wscale;         /* snd_wscale : 4, rcv_wscale : 4 (low nibble: snd) */
	uint8_t rate_flags;     /* delivery_rate_app_limited : 1, fastopen_client_fail : 2 */
	uint32_t rto;           /* us */
	uint32_t ato;           /* us */
	uint32_t snd_mss;
	uint32_t rcv_mss;
	uint32_t unacked;
	uint32_t sacked;
	uint32_t lost;
	uint32_t retrans;
	uint32_t fackets;
	uint32_t last_data_sent; /* ms */
	uint32_t last_ack_sent;
	uint32_t last_data_recv;
	uint32_t last_ack_recv;
	uint32_t pmtu;
	uint32_t rcv_ssthresh;
	uint32_t rtt;           /* us */
	uint32_t rttvar;        /* us */
	uint32_t snd_ssthresh;
	uint32_t snd_cwnd;
	uint32_t advmss;
	uint32_t reordering;
	uint32_t rcv_rtt;       /* us */
	uint32_t rcv_space;
	uint32_t total_retrans;
	uint64_t pacing_rate;   /* bytes/s */
	uint64_t max_pacing_rate;
	uint64_t bytes_acked;
	uint64_t bytes_received;
	uint32_t segs_out;
	uint32_t segs_in;
	uint32_t notsent_bytes;
	uint32_t min_rtt;       /* us */
	uint32_t data_segs_in;
	uint32_t data_segs_out;
	uint64_t delivery_rate; /* bytes/s */
	uint64_t busy_time;     /* us */
	uint64_t rwnd_limited;  /* us */
	uint64_t sndbuf_limited; /* us */
	uint32_t delivered;
	uint32_t delivered_ce;
	uint64_t bytes_sent;
	uint64_t bytes_retrans;
	uint32_t dsack_dups;
	uint32_t reord_seen;
	uint32_t rcv_ooopack;
	uint32_t snd_wnd;
	uint32_t rcv_wnd;
	uint32_t rehash;
	uint16_t total_rto;
	uint16_t total_rto_recoveries;
	uint32_t total_rto_time; /* ms */
	uint32_t received_ce;
	uint32_t delivered_e1_bytes;
	uint32_t delivered_e0_bytes;
	uint32_t delivered_ce_bytes;
	uint32_t received_e1_bytes;
	uint32_t received_e0_bytes;
	uint32_t received_ce_bytes;
	uint16_t accecn_fail_mode;
	uint16_t accecn_opt_seen;
};

/* Whether the kernel's tcp_info of info_len bytes reaches field f. */
#define sock_ext_info_has(x, f)                                                                    \
	((x)->info_len >= offsetof(struct sock_tcp_info, f) + sizeof(((struct sock_tcp_info *)0)->f))

/* The skmem words (SK_MEMINFO_*, include/uapi/linux/sock_diag.h). */
enum sock_skmem {
	SOCK_SKMEM_RMEM_ALLOC,
	SOCK_SKMEM_RCVBUF,
	SOCK_SKMEM_WMEM_ALLOC,
	SOCK_SKMEM_SNDBUF,
	SOCK_SKMEM_FWD_ALLOC,
	SOCK_SKMEM_WMEM_QUEUED,
	SOCK_SKMEM_OPTMEM,
	SOCK_SKMEM_BACKLOG,
	SOCK_SKMEM_DROPS,
	_SOCK_SKMEM_MAX,
};

/* Room for a congestion control name (TCP_CA_NAME_MAX) and its NUL. */
#define SOCK_CONG_MAX 16

struct sock_ext {
	uint16_t have;             /* enum sock_ext_have */
	uint8_t timer_kind;        /* enum sock_timer_kind, as the kernel said (may exceed) */
	uint8_t timer_retrans;     /* retransmits (on) or probes (persist, keepalive) */
	uint32_t timer_expires_ms; /* idiag_expires: ms until the timer fires */
	uint8_t shutdown;          /* sk_shutdown: 1 RCV_SHUTDOWN, 2 SEND_SHUTDOWN */
	uint8_t skmem_n;           /* words of skmem the kernel sent (<= _SOCK_SKMEM_MAX) */
	uint16_t info_len;         /* bytes of info the kernel sent (<= sizeof(info)) */
	char cong[SOCK_CONG_MAX];  /* NUL-terminated */
	uint32_t skmem[_SOCK_SKMEM_MAX];
	uint32_t meminfo[4];       /* inet_diag_meminfo: rmem, wmem, fmem, tmem */
	uint32_t vfs_ino;          /* UNIX_DIAG_VFS */
	uint32_t vfs_dev;          /* the kernel's dev_t encoding (new_encode_dev()) */
	uint32_t icons_off;        /* UNIX_DIAG_ICONS: offset in sock_table.ext_inodes */
	uint32_t icons_n;
	uint32_t cc[5];            /* BBR: bw_lo, bw_hi, min_rtt, pacing_gain, cwnd_gain;
				    * DCTCP: enabled, ce_state, alpha, ab_ecn, ab_tot;
				    * Vegas: enabled, rttcnt, rtt, minrtt */
	struct sock_tcp_info info;
};

/* ss's timer names: "off", "on", "keepalive", "timewait", "persist",
 * "delack"; "unknown" beyond. */
const char *sock_timer_name(unsigned kind);

#endif
