# bash completion for lsock
_lsock()
{
	local cur prev
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	local columns="proto family recv_q send_q local remote state type user uid inode cookie v6only peer source owners pid program path"
	local keys="proto local remote lport rport state pid program inode queue"
	case $prev in
	-o|--columns)
		COMPREPLY=($(compgen -W "$columns" -- "${cur##*,}"))
		return;;
	--sort)
		COMPREPLY=($(compgen -W "$keys" -- "${cur##*,}"))
		return;;
	--source)
		COMPREPLY=($(compgen -W "auto netlink proc" -- "$cur"))
		return;;
	state|exclude)
		COMPREPLY=($(compgen -W "established syn-sent syn-recv fin-wait-1 fin-wait-2 time-wait closed close-wait last-ack listening closing all connected synchronized bucket big" -- "$cur"))
		return;;
	esac
	if [[ $cur == --source=* ]]; then
		COMPREPLY=($(compgen -P --source= -W "auto netlink proc" -- "${cur#--source=}"))
		return
	fi
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "-t --tcp -u --udp -U --udplite -w --raw --icmp -x --unix -4 --ipv4 -6 --ipv6 -l --listening -a --all -n --numeric -p --programs --program --inet --inet6 -e --extend -W --wide -H --no-header -o --columns --sort --json --ndjson --source= -v --verbose -h --help -V --version" -- "$cur"))
		[[ ${COMPREPLY[0]} == --source= ]] && compopt -o nospace
		return
	fi
	COMPREPLY=($(compgen -W "state exclude src dst sport dport and or not" -- "$cur"))
}
complete -F _lsock lsock
