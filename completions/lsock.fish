# fish completion for lsock
#
# The lists below must match `lsock --help` and lsock(8): checked by
# tests/integration/test_docs_flags.py; test_completions.py drives this file.
# Symbolic filter operators (= == != > < >= <= && & || | !) are not offered,
# as in the bash and zsh completions; the word forms are.

function __lsock_columns
    printf '%s\t%s\n' \
        proto "protocol label: tcp, tcp6, udp, udp6, udpl, udpl6, raw, raw6, icmp, icmp6, unix" \
        family "address family: inet, inet6 or unix" \
        recv_q "bytes waiting to be read; for LISTEN, connections waiting to be accepted" \
        send_q "bytes not yet sent or acknowledged; for LISTEN, the maximum backlog" \
        local "local address and port; for UNIX, the bound name" \
        remote "remote address and port; for UNIX, the peer's inode" \
        state "socket state: LISTEN, ESTABLISHED, UNCONN, TIME_WAIT, ..." \
        type "socket type: stream, dgram, seqpacket or raw" \
        user "user name of the socket's uid" \
        uid "numeric uid that owns the socket" \
        inode "socket inode number" \
        cookie "kernel socket cookie, unique while the system runs" \
        v6only "IPv6 only (1) or also IPv4 (0), for IPv6 sockets" \
        interface "network interface the socket is bound to" \
        peer "inode of the connected UNIX peer" \
        source "where the row came from: netlink or proc" \
        owners "owning processes as PID/name, comma-separated" \
        pid "PIDs of the owning processes" \
        program "names of the owning processes" \
        path "UNIX socket path, or @name for an abstract name" \
        netns "network namespace: ip netns name, container, host or net:[INODE]" \
        unit "systemd units of the owning processes (JSON: each owner's unit)" \
        timer "TCP timer as ss -o: timer:(kind,expiry,retransmits) (-o)" \
        sk "socket cookie in hex, as ss -e: sk:1a2b (-e)" \
        shutdown "directions still open: <-> both, --> no reading, <-- no writing, --- none (-e)" \
        peer_owners "processes holding the connected UNIX peer: ->PID/name (-x -p)" \
        vfs "device and inode of a UNIX socket's bound path: vfs:(maj:min,ino) (-e)" \
        pending "inodes of a UNIX listener's pending connections: icons:(ino,...) (-e)" \
        skmem "socket memory as ss -m: skmem:(r,rb,t,tb,f,w,o,bl,d) (-m)" \
        tcp_info "TCP internals as ss -i: congestion algorithm, rtt, cwnd, rates... (-i)"
end

function __lsock_sort_keys
    __lsock_columns
    printf '%s\t%s\n' \
        lport "local port" \
        rport "remote port" \
        queue "recv_q, then send_q"
end

# Complete the last item of the comma-separated list being typed, keeping the
# items before it: "-k proto,lo" gives "proto,local".  $argv[1]: the function
# that prints the items; $argv[2]: "reverse" if an item may start with '-'.
function __lsock_list
    set -l tok (commandline -ct)
    # fish matches against the token without "--columns=" or a glued "-k".
    set tok (string replace -r -- '^(--[a-z-]+=|-[a-jl-zA-Z0-9]*k)' '' $tok)
    set -l typed (string match -r -- '^.*,' $tok)
    set -l done (string split , -- $typed)
    if test "$argv[2]" = reverse; and string match -q -- '-*' (string replace -r -- '^.*,' '' $tok)
        set typed "$typed-"
    end
    $argv[1] | while read -l -d \t name descr
        contains -- $name $done; or contains -- -$name $done; or printf '%s%s\t%s\n' "$typed" $name $descr
    end
end

# True if the word before the cursor is one of $argv, as a filter word (not as
# the argument of -k, --sort or --source: "-k state" is a column).
function __lsock_after
    set -l words (commandline -opc)
    set -q words[2]; or return 1
    contains -- $words[-1] $argv; or return 1
    set -q words[3]; or return 0
    not string match -qr -- '^(-[a-jl-zA-Z0-9]*k|--columns|--sort|--source|--owners)$' $words[-2]
end

complete -c lsock -f

# Protocols
complete -c lsock -s t -l tcp -d 'TCP sockets'
complete -c lsock -s u -l udp -d 'UDP sockets'
complete -c lsock -s U -l udplite -d 'UDP-Lite sockets'
complete -c lsock -s w -l raw -d 'RAW sockets'
complete -c lsock -l icmp -d 'ICMP (ping) sockets'
complete -c lsock -s x -l unix -d 'UNIX domain sockets'
complete -c lsock -s 4 -l ipv4 -d 'IPv4 only'
complete -c lsock -l inet -d 'IPv4 only (as --ipv4)'
complete -c lsock -s 6 -l ipv6 -d 'IPv6 only'
complete -c lsock -l inet6 -d 'IPv6 only (as --ipv6)'
# States
complete -c lsock -s l -l listening -d 'Listening and unconnected sockets'
complete -c lsock -s a -l all -d 'Sockets in every state'
# Output
complete -c lsock -s n -l numeric -d 'Numeric ports and users'
complete -c lsock -s p -l programs -d 'Show owning processes'
complete -c lsock -l program -d 'Show owning processes (as --programs)'
complete -c lsock -s e -l extend -d 'Add User, Inode, sk, shutdown (and UNIX vfs, pending) columns'
complete -c lsock -s W -l wide -d 'Accepted; nothing is truncated'
complete -c lsock -s H -l no-header -d 'No title or header lines'
complete -c lsock -s k -l columns -x -d 'Text columns, comma-separated' -a '(__lsock_list __lsock_columns)'
complete -c lsock -s o -l timers -d 'Show TCP timers'
complete -c lsock -l options -d 'Show TCP timers (as --timers)'
complete -c lsock -s i -l info -d 'Show TCP internals (tcp_info)'
complete -c lsock -s m -l memory -d 'Show socket memory (skmem)'
complete -c lsock -s O -l oneline -d 'Accepted; every socket is one line'
complete -c lsock -l sort -x -d 'Sort keys, comma-separated' -a '(__lsock_list __lsock_sort_keys reverse)'
complete -c lsock -l json -d 'JSON output'
complete -c lsock -l ndjson -d 'One JSON object per line'
complete -c lsock -s s -l summary -d 'Counts, kernel figures and counters, full listeners'
# Network namespaces
complete -c lsock -s G -l all-netns -d 'Every network namespace, with a NetNS column'
complete -c lsock -s N -l netns -x -d 'One network namespace: NAME, PATH or PID' -a '(command ls /run/netns 2>/dev/null)'
# Sources
complete -c lsock -l source -x -d 'Data source' -a "auto\t'sock_diag, falling back to /proc/net' netlink\t'sock_diag only' proc\t'/proc/net only'"
complete -c lsock -l owners -x -d 'Owner source' -a "auto\t'BPF iterator, falling back to the /proc walk' bpf\t'BPF iterator only' proc\t'/proc walk only'"
complete -c lsock -s v -l verbose -d 'Say which source served which protocol'
# Audit and explanations
complete -c lsock -l audit -d 'Listening sockets by exposure, most exposed first'
complete -c lsock -l explain -d 'Numbered notes on what appears in the table'
complete -c lsock -l color -x -d 'Colour the output' -a "auto\t'On a terminal, unless NO_COLOR is set' always\t'Always' never\t'Never'"
# Modes
complete -c lsock -s c -l watch -x -d 'List, then print changes every SECONDS'
complete -c lsock -s E -l events -d 'Print TCP and UDP sockets as they are destroyed'
complete -c lsock -s K -l kill -d 'Close the sockets the filter selects'
complete -c lsock -l format -x -d 'Output format' -a "text json ndjson prometheus\t'Metrics for node_exporter'"
complete -c lsock -l output-file -r -F -d 'Write the metrics atomically to FILE'
complete -c lsock -s h -l help -d 'Help'
complete -c lsock -s V -l version -d 'Version'

# The filter
set -l filter_words state exclude excl src dst sport dport dev pid comm uid user
complete -c lsock -n "not __lsock_after $filter_words" -a "state\t'Only these states' exclude\t'All states but these' excl\t'As exclude' src\t'Local address' dst\t'Remote address' sport\t'Local port' dport\t'Remote port' dev\t'Bound interface' pid\t'Owner process id' comm\t'Owner command (glob)' uid\t'Socket user id' user\t'Socket user name' and\t'Both' or\t'Either' not\t'Negation'"
complete -c lsock -n '__lsock_after state exclude excl' -a 'established syn-sent syn-recv fin-wait-1 fin-wait-2 time-wait closed close-wait last-ack listening closing'
complete -c lsock -n '__lsock_after state exclude excl' -a "all\t'Every state' connected\t'All but listening and closed' synchronized\t'Connected but syn-sent' bucket\t'syn-recv and time-wait' big\t'All but bucket'"
complete -c lsock -n '__lsock_after sport dport' -a 'eq ne neq gt lt ge geq le leq'
complete -c lsock -n '__lsock_after dev' -a '(__fish_print_interfaces)'
complete -c lsock -n '__lsock_after user' -a '(__fish_complete_users)'
