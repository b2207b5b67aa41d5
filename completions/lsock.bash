# bash completion for lsock                                  -*- shell-script -*-
#
# The lists below must match `lsock --help` and lsock(8): checked by
# tests/integration/test_docs_flags.py; test_completions.py drives this file.
# Symbolic filter operators (= == != > < >= <= && & || | !) are never offered:
# bash would insert most of them unquoted, as shell syntax.

# Complete the last item of a comma-separated list and keep the items already
# typed: "proto,lo" completes to "proto,local".  Items already in the list are
# not offered again.
# $1: text before the list in the word being completed ("--columns=" when
# COMP_WORDBREAKS has no '='), $2: 1 if an item may start with '-' (a reversed
# sort key), $3: the list typed so far, $4...: the items.
_lsock_list()
{
	local keep=$1 reverse=$2 cur=$3 typed= item
	local -a items=()
	shift 3
	if [[ $cur == *,* ]]; then
		typed=${cur%,*},
		cur=${cur##*,}
	fi
	if [[ $reverse == 1 && $cur == -* ]]; then
		cur=${cur#-}
		keep+=$typed-
	else
		keep+=$typed
	fi
	for item; do
		[[ ,$typed == *,$item,* || ,$typed == *,-$item,* ]] || items+=("$item")
	done
	COMPREPLY=($(compgen -P "$keep" -W "${items[*]}" -- "$cur"))
	# So that a ',' and the next item can follow.
	compopt -o nospace 2>/dev/null
}

_lsock()
{
	local columns='proto family recv_q send_q local remote state type user uid inode cookie v6only interface peer source owners pid program path netns unit timer sk shutdown peer_owners vfs pending skmem tcp_info'
	local sort_keys="$columns lport rport queue"
	local sources='auto netlink proc'
	local owner_sources='auto bpf proc'
	local states='established syn-sent syn-recv fin-wait-1 fin-wait-2 time-wait closed close-wait last-ack listening closing all connected synchronized bucket big'
	local keywords='state exclude excl src dst sport dport dev pid comm uid user and or not'
	local operators='eq ne neq gt lt ge geq le leq'
	local options='-t --tcp -u --udp -U --udplite -w --raw --icmp -x --unix -4 --ipv4 --inet -6 --ipv6 --inet6 -l --listening -a --all -n --numeric -p --programs --program -e --extend -W --wide -H --no-header -k --columns= -o --timers --options -i --info -m --memory -O --oneline --sort= --json --ndjson -s --summary --source= -v --verbose -h --help -V --version -G --all-netns -N --netns= --audit --explain --color= -c --watch -E --events -K --kill --format= --output-file= --owners='
	local cword=$COMP_CWORD cur prev before keep=
	cur=${COMP_WORDS[cword]}
	prev=${COMP_WORDS[cword-1]}
	before=${COMP_WORDS[cword-2]}

	# With '=' in COMP_WORDBREAKS (the default), "--sort=-lo" arrives as the
	# words "--sort" "=" "-lo", and "--sort=" as "--sort" "=".
	if [[ $cur == = && $prev == --* ]]; then
		cur=
	elif [[ $prev == = && $before == --* ]]; then
		prev=$before before=
	elif [[ $cur == --*=* ]]; then
		# '=' is not a word break here: the word keeps its "--option=".
		before=$prev prev=${cur%%=*} keep=${cur%%=*}= cur=${cur#*=}
	elif [[ $cur =~ ^(-[a-jl-zA-Z0-9]*k)(.+)$ ]]; then
		# -k with the list glued on, maybe in a cluster: "-tnkproto,lo".
		before=$prev prev=-k keep=${BASH_REMATCH[1]} cur=${BASH_REMATCH[2]}
	fi
	# A cluster that ends in k ("-tnk") takes the list as the next word.
	[[ $prev =~ ^-[a-jl-zA-Z0-9]*k$ ]] && prev=-k
	[[ $before =~ ^-[a-jl-zA-Z0-9]*k$ ]] && before=-k

	case $prev in
	-k | --columns)
		_lsock_list "$keep" 0 "$cur" $columns
		return;;
	--sort)
		_lsock_list "$keep" 1 "$cur" $sort_keys
		return;;
	--source)
		COMPREPLY=($(compgen -P "$keep" -W "$sources" -- "$cur"))
		return;;
	-N | --netns)
		COMPREPLY=($(compgen -P "$keep" -W "$(command ls /run/netns 2>/dev/null)" -- "$cur"))
		return;;
	--color)
		COMPREPLY=($(compgen -P "$keep" -W 'auto always never' -- "$cur"))
		return;;
	--format)
		COMPREPLY=($(compgen -P "$keep" -W 'text json ndjson prometheus' -- "$cur"))
		return;;
	--output-file)
		COMPREPLY=($(compgen -f -- "$cur"))
		return;;
	--owners)
		COMPREPLY=($(compgen -P "$keep" -W "$owner_sources" -- "$cur"))
		return;;
	esac

	# A word that is the argument of an option ("-k state") is no filter word.
	case $before in
	-k | --columns | --sort | --source | -N | --netns | --color | --format | --output-file | --owners | =) prev=;;
	esac
	case $prev in
	state | exclude | excl)
		COMPREPLY=($(compgen -W "$states" -- "$cur"))
		return;;
	sport | dport)
		COMPREPLY=($(compgen -W "$operators" -- "$cur"))
		return;;
	dev)
		COMPREPLY=($(compgen -W "$(command ls /sys/class/net 2>/dev/null)" -- "$cur"))
		return;;
	user)
		COMPREPLY=($(compgen -u -- "$cur"))
		return;;
	src | dst | pid | comm | uid)
		COMPREPLY=()
		return;;
	esac

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$options" -- "$cur"))
		[[ ${COMPREPLY[*]} == *= ]] && compopt -o nospace 2>/dev/null
		return
	fi
	COMPREPLY=($(compgen -W "$keywords" -- "$cur"))
}
complete -F _lsock lsock
