/* SPDX-License-Identifier: MIT */
#include "lsock/color.h"
#include "lsock/sock_table.h"

const char *color_state(uint8_t state)
{
	switch (state) {
	case SOCK_STATE_ESTABLISHED:
		return "\033[32m"; /* green: data flows */
	case SOCK_STATE_LISTEN:
	case SOCK_STATE_CLOSE:
		return "\033[34m"; /* blue: waiting for peers */
	case SOCK_STATE_SYN_SENT:
	case SOCK_STATE_SYN_RECV:
	case SOCK_STATE_NEW_SYN_RECV:
		return "\033[36m"; /* cyan: being set up */
	case SOCK_STATE_CLOSE_WAIT:
		return "\033[1;33m"; /* bold yellow: the application has not closed */
	case SOCK_STATE_FIN_WAIT1:
	case SOCK_STATE_FIN_WAIT2:
	case SOCK_STATE_TIME_WAIT:
	case SOCK_STATE_LAST_ACK:
	case SOCK_STATE_CLOSING:
		return "\033[33m"; /* yellow: winding down */
	}
	return NULL;
}

const char *color_exposure(enum exposure v)
{
	switch (v) {
	case EXPOSURE_ALL_INTERFACES:
		return "\033[1;31m"; /* bold red: reachable from every network */
	case EXPOSURE_ALL_INTERFACES_IPV6:
		return "\033[31m";
	case EXPOSURE_ADDRESS:
	case EXPOSURE_DEVICE_BOUND:
		return "\033[33m"; /* yellow: reachable from one network */
	case EXPOSURE_LOOPBACK:
		return "\033[32m"; /* green: this host only */
	case EXPOSURE_OTHER_NETNS:
	case _EXPOSURE_MAX:
		break;
	}
	return NULL;
}
