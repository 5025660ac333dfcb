_zeek__systemd() {
    local i cur prev opts cmd
    COMPREPLY=()
    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
        cur="$2"
    else
        cur="${COMP_WORDS[COMP_CWORD]}"
    fi
    prev="$3"
    cmd=""
    opts=""

    for i in "${COMP_WORDS[@]:0:COMP_CWORD}"
    do
        case "${cmd},${i}" in
            ",$1")
                cmd="zeek__systemd"
                ;;
            zeek__systemd,alert)
                cmd="zeek__systemd__subcmd__alert"
                ;;
            zeek__systemd,check)
                cmd="zeek__systemd__subcmd__check"
                ;;
            zeek__systemd,completions)
                cmd="zeek__systemd__subcmd__completions"
                ;;
            zeek__systemd,deploy)
                cmd="zeek__systemd__subcmd__deploy"
                ;;
            zeek__systemd,diag)
                cmd="zeek__systemd__subcmd__diag"
                ;;
            zeek__systemd,help)
                cmd="zeek__systemd__subcmd__help"
                ;;
            zeek__systemd,import-zeekctl)
                cmd="zeek__systemd__subcmd__import__subcmd__zeekctl"
                ;;
            zeek__systemd,layout)
                cmd="zeek__systemd__subcmd__layout"
                ;;
            zeek__systemd,netstats)
                cmd="zeek__systemd__subcmd__netstats"
                ;;
            zeek__systemd,peers)
                cmd="zeek__systemd__subcmd__peers"
                ;;
            zeek__systemd,policy-script)
                cmd="zeek__systemd__subcmd__policy__subcmd__script"
                ;;
            zeek__systemd,print)
                cmd="zeek__systemd__subcmd__print"
                ;;
            zeek__systemd,remote-deploy)
                cmd="zeek__systemd__subcmd__remote__subcmd__deploy"
                ;;
            zeek__systemd,render)
                cmd="zeek__systemd__subcmd__render"
                ;;
            zeek__systemd,rotate-leftovers)
                cmd="zeek__systemd__subcmd__rotate__subcmd__leftovers"
                ;;
            zeek__systemd,secrets)
                cmd="zeek__systemd__subcmd__secrets"
                ;;
            zeek__systemd,setup-scripts)
                cmd="zeek__systemd__subcmd__setup__subcmd__scripts"
                ;;
            zeek__systemd,status)
                cmd="zeek__systemd__subcmd__status"
                ;;
            zeek__systemd,top)
                cmd="zeek__systemd__subcmd__top"
                ;;
            zeek__systemd__subcmd__alert,crash)
                cmd="zeek__systemd__subcmd__alert__subcmd__crash"
                ;;
            zeek__systemd__subcmd__alert,disk)
                cmd="zeek__systemd__subcmd__alert__subcmd__disk"
                ;;
            zeek__systemd__subcmd__alert,help)
                cmd="zeek__systemd__subcmd__alert__subcmd__help"
                ;;
            zeek__systemd__subcmd__alert,test)
                cmd="zeek__systemd__subcmd__alert__subcmd__test"
                ;;
            zeek__systemd__subcmd__alert__subcmd__help,crash)
                cmd="zeek__systemd__subcmd__alert__subcmd__help__subcmd__crash"
                ;;
            zeek__systemd__subcmd__alert__subcmd__help,disk)
                cmd="zeek__systemd__subcmd__alert__subcmd__help__subcmd__disk"
                ;;
            zeek__systemd__subcmd__alert__subcmd__help,help)
                cmd="zeek__systemd__subcmd__alert__subcmd__help__subcmd__help"
                ;;
            zeek__systemd__subcmd__alert__subcmd__help,test)
                cmd="zeek__systemd__subcmd__alert__subcmd__help__subcmd__test"
                ;;
            zeek__systemd__subcmd__help,alert)
                cmd="zeek__systemd__subcmd__help__subcmd__alert"
                ;;
            zeek__systemd__subcmd__help,check)
                cmd="zeek__systemd__subcmd__help__subcmd__check"
                ;;
            zeek__systemd__subcmd__help,completions)
                cmd="zeek__systemd__subcmd__help__subcmd__completions"
                ;;
            zeek__systemd__subcmd__help,deploy)
                cmd="zeek__systemd__subcmd__help__subcmd__deploy"
                ;;
            zeek__systemd__subcmd__help,diag)
                cmd="zeek__systemd__subcmd__help__subcmd__diag"
                ;;
            zeek__systemd__subcmd__help,help)
                cmd="zeek__systemd__subcmd__help__subcmd__help"
                ;;
            zeek__systemd__subcmd__help,import-zeekctl)
                cmd="zeek__systemd__subcmd__help__subcmd__import__subcmd__zeekctl"
                ;;
            zeek__systemd__subcmd__help,layout)
                cmd="zeek__systemd__subcmd__help__subcmd__layout"
                ;;
            zeek__systemd__subcmd__help,netstats)
                cmd="zeek__systemd__subcmd__help__subcmd__netstats"
                ;;
            zeek__systemd__subcmd__help,peers)
                cmd="zeek__systemd__subcmd__help__subcmd__peers"
                ;;
            zeek__systemd__subcmd__help,policy-script)
                cmd="zeek__systemd__subcmd__help__subcmd__policy__subcmd__script"
                ;;
            zeek__systemd__subcmd__help,print)
                cmd="zeek__systemd__subcmd__help__subcmd__print"
                ;;
            zeek__systemd__subcmd__help,remote-deploy)
                cmd="zeek__systemd__subcmd__help__subcmd__remote__subcmd__deploy"
                ;;
            zeek__systemd__subcmd__help,render)
                cmd="zeek__systemd__subcmd__help__subcmd__render"
                ;;
            zeek__systemd__subcmd__help,rotate-leftovers)
                cmd="zeek__systemd__subcmd__help__subcmd__rotate__subcmd__leftovers"
                ;;
            zeek__systemd__subcmd__help,secrets)
                cmd="zeek__systemd__subcmd__help__subcmd__secrets"
                ;;
            zeek__systemd__subcmd__help,setup-scripts)
                cmd="zeek__systemd__subcmd__help__subcmd__setup__subcmd__scripts"
                ;;
            zeek__systemd__subcmd__help,status)
                cmd="zeek__systemd__subcmd__help__subcmd__status"
                ;;
            zeek__systemd__subcmd__help,top)
                cmd="zeek__systemd__subcmd__help__subcmd__top"
                ;;
            zeek__systemd__subcmd__help__subcmd__alert,crash)
                cmd="zeek__systemd__subcmd__help__subcmd__alert__subcmd__crash"
                ;;
            zeek__systemd__subcmd__help__subcmd__alert,disk)
                cmd="zeek__systemd__subcmd__help__subcmd__alert__subcmd__disk"
                ;;
            zeek__systemd__subcmd__help__subcmd__alert,test)
                cmd="zeek__systemd__subcmd__help__subcmd__alert__subcmd__test"
                ;;
            zeek__systemd__subcmd__help__subcmd__remote__subcmd__deploy,hello)
                cmd="zeek__systemd__subcmd__help__subcmd__remote__subcmd__deploy__subcmd__hello"
                ;;
            zeek__systemd__subcmd__help__subcmd__remote__subcmd__deploy,identities)
                cmd="zeek__systemd__subcmd__help__subcmd__remote__subcmd__deploy__subcmd__identities"
                ;;
            zeek__systemd__subcmd__help__subcmd__remote__subcmd__deploy,journal)
                cmd="zeek__systemd__subcmd__help__subcmd__remote__subcmd__deploy__subcmd__journal"
                ;;
            zeek__systemd__subcmd__help__subcmd__remote__subcmd__deploy,old-zeek)
                cmd="zeek__systemd__subcmd__help__subcmd__remote__subcmd__deploy__subcmd__old__subcmd__zeek"
                ;;
            zeek__systemd__subcmd__help__subcmd__remote__subcmd__deploy,roll-back)
                cmd="zeek__systemd__subcmd__help__subcmd__remote__subcmd__deploy__subcmd__roll__subcmd__back"
                ;;
            zeek__systemd__subcmd__help__subcmd__remote__subcmd__deploy,stage)
                cmd="zeek__systemd__subcmd__help__subcmd__remote__subcmd__deploy__subcmd__stage"
                ;;
            zeek__systemd__subcmd__help__subcmd__remote__subcmd__deploy,switch)
                cmd="zeek__systemd__subcmd__help__subcmd__remote__subcmd__deploy__subcmd__switch"
                ;;
            zeek__systemd__subcmd__help__subcmd__secrets,create)
                cmd="zeek__systemd__subcmd__help__subcmd__secrets__subcmd__create"
                ;;
            zeek__systemd__subcmd__help__subcmd__secrets,install)
                cmd="zeek__systemd__subcmd__help__subcmd__secrets__subcmd__install"
                ;;
            zeek__systemd__subcmd__help__subcmd__secrets,rotate)
                cmd="zeek__systemd__subcmd__help__subcmd__secrets__subcmd__rotate"
                ;;
            zeek__systemd__subcmd__remote__subcmd__deploy,hello)
                cmd="zeek__systemd__subcmd__remote__subcmd__deploy__subcmd__hello"
                ;;
            zeek__systemd__subcmd__remote__subcmd__deploy,help)
                cmd="zeek__systemd__subcmd__remote__subcmd__deploy__subcmd__help"
                ;;
            zeek__systemd__subcmd__remote__subcmd__deploy,identities)
                cmd="zeek__systemd__subcmd__remote__subcmd__deploy__subcmd__identities"
                ;;
            zeek__systemd__subcmd__remote__subcmd__deploy,journal)
                cmd="zeek__systemd__subcmd__remote__subcmd__deploy__subcmd__journal"
                ;;
            zeek__systemd__subcmd__remote__subcmd__deploy,old-zeek)
                cmd="zeek__systemd__subcmd__remote__subcmd__deploy__subcmd__old__subcmd__zeek"
                ;;
            zeek__systemd__subcmd__remote__subcmd__deploy,roll-back)
                cmd="zeek__systemd__subcmd__remote__subcmd__deploy__subcmd__roll__subcmd__back"
                ;;
            zeek__systemd__subcmd__remote__subcmd__deploy,stage)
                cmd="zeek__systemd__subcmd__remote__subcmd__deploy__subcmd__stage"
                ;;
            zeek__systemd__subcmd__remote__subcmd__deploy,switch)
                cmd="zeek__systemd__subcmd__remote__subcmd__deploy__subcmd__switch"
                ;;
            zeek__systemd__subcmd__remote__subcmd__deploy__subcmd__help,hello)
                cmd="zeek__systemd__subcmd__remote__subcmd__deploy__subcmd__help__subcmd__hello"
                ;;
            zeek__systemd__subcmd__remote__subcmd__deploy__subcmd__help,help)
                cmd="zeek__systemd__subcmd__remote__subcmd__deploy__subcmd__help__subcmd__help"
                ;;
            zeek__systemd__subcmd__remote__subcmd__deploy__subcmd__help,identities)
                cmd="zeek__systemd__subcmd__remote__subcmd__deploy__subcmd__help__subcmd__identities"
                ;;
            zeek__systemd__subcmd__remote__subcmd__deploy__subcmd__help,journal)
                cmd="zeek__systemd__subcmd__remote__subcmd__deploy__subcmd__help__subcmd__journal"
                ;;
            zeek__systemd__subcmd__remote__subcmd__deploy__subcmd__help,old-zeek)
                cmd="zeek__systemd__subcmd__remote__subcmd__deploy__subcmd__help__subcmd__old__subcmd__zeek"
                ;;
            zeek__systemd__subcmd__remote__subcmd__deploy__subcmd__help,roll-back)
                cmd="zeek__systemd__subcmd__remote__subcmd__deploy__subcmd__help__subcmd__roll__subcmd__back"
                ;;
            zeek__systemd__subcmd__remote__subcmd__deploy__subcmd__help,stage)
                cmd="zeek__systemd__subcmd__remote__subcmd__deploy__subcmd__help__subcmd__stage"
                ;;
            zeek__systemd__subcmd__remote__subcmd__deploy__subcmd__help,switch)
                cmd="zeek__systemd__subcmd__remote__subcmd__deploy__subcmd__help__subcmd__switch"
                ;;
            zeek__systemd__subcmd__secrets,create)
                cmd="zeek__systemd__subcmd__secrets__subcmd__create"
                ;;
            zeek__systemd__subcmd__secrets,help)
                cmd="zeek__systemd__subcmd__secrets__subcmd__help"
                ;;
            zeek__systemd__subcmd__secrets,install)
                cmd="zeek__systemd__subcmd__secrets__subcmd__install"
                ;;
            zeek__systemd__subcmd__secrets,rotate)
                cmd="zeek__systemd__subcmd__secrets__subcmd__rotate"
                ;;
            zeek__systemd__subcmd__secrets__subcmd__help,create)
                cmd="zeek__systemd__subcmd__secrets__subcmd__help__subcmd__create"
                ;;
            zeek__systemd__subcmd__secrets__subcmd__help,help)
                cmd="zeek__systemd__subcmd__secrets__subcmd__help__subcmd__help"
                ;;
            zeek__systemd__subcmd__secrets__subcmd__help,install)
                cmd="zeek__systemd__subcmd__secrets__subcmd__help__subcmd__install"
                ;;
            zeek__systemd__subcmd__secrets__subcmd__help,rotate)
                cmd="zeek__systemd__subcmd__secrets__subcmd__help__subcmd__rotate"
                ;;
            *)
                ;;
        esac
    done

    case "${cmd}" in
        zeek__systemd)
            opts="-h -V --config --host --help --version check deploy status diag netstats print peers top import-zeekctl layout render policy-script alert secrets setup-scripts remote-deploy rotate-leftovers completions help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 1 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --host)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__alert)
            opts="-h --config --host --help crash disk test help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --host)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__alert__subcmd__crash)
            opts="-h --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__alert__subcmd__disk)
            opts="-h --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__alert__subcmd__help)
            opts="crash disk test help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__alert__subcmd__help__subcmd__crash)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__alert__subcmd__help__subcmd__disk)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__alert__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__alert__subcmd__help__subcmd__test)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__alert__subcmd__test)
            opts="-h --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__check)
            opts="-h --config --host --deep --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --host)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__completions)
            opts="-h --help bash zsh fish"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__deploy)
            opts="-h --config --dry-run --restart --settle --timeout --this-host-only --reachable-only --ssh-user --remote-program --rolling --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --restart)
                    COMPREPLY=($(compgen -W "all none" -- "${cur}"))
                    return 0
                    ;;
                --settle)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --ssh-user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --remote-program)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__diag)
            opts="-n -h --config --host --lines --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --host)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --lines)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -n)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__help)
            opts="check deploy status diag netstats print peers top import-zeekctl layout render policy-script alert secrets setup-scripts remote-deploy rotate-leftovers completions help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__help__subcmd__alert)
            opts="crash disk test"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__help__subcmd__alert__subcmd__crash)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__help__subcmd__alert__subcmd__disk)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__help__subcmd__alert__subcmd__test)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__help__subcmd__check)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__help__subcmd__completions)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__help__subcmd__deploy)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__help__subcmd__diag)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__help__subcmd__import__subcmd__zeekctl)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__help__subcmd__layout)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__help__subcmd__netstats)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__help__subcmd__peers)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__help__subcmd__policy__subcmd__script)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__help__subcmd__print)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__help__subcmd__remote__subcmd__deploy)
            opts="hello stage switch roll-back identities old-zeek journal"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__help__subcmd__remote__subcmd__deploy__subcmd__hello)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__help__subcmd__remote__subcmd__deploy__subcmd__identities)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__help__subcmd__remote__subcmd__deploy__subcmd__journal)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__help__subcmd__remote__subcmd__deploy__subcmd__old__subcmd__zeek)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__help__subcmd__remote__subcmd__deploy__subcmd__roll__subcmd__back)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__help__subcmd__remote__subcmd__deploy__subcmd__stage)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__help__subcmd__remote__subcmd__deploy__subcmd__switch)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__help__subcmd__render)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__help__subcmd__rotate__subcmd__leftovers)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__help__subcmd__secrets)
            opts="create rotate install"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__help__subcmd__secrets__subcmd__create)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__help__subcmd__secrets__subcmd__install)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__help__subcmd__secrets__subcmd__rotate)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__help__subcmd__setup__subcmd__scripts)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__help__subcmd__status)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__help__subcmd__top)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__import__subcmd__zeekctl)
            opts="-o -h --node-cfg --zeekctl-cfg --networks-cfg --output --check --force --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --node-cfg)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --zeekctl-cfg)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --networks-cfg)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__layout)
            opts="-o -h --config --host --output --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --host)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__netstats)
            opts="-h --config --host --json --cluster --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --host)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__peers)
            opts="-h --config --host --json --timeout --websocket --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --host)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --websocket)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__policy__subcmd__script)
            opts="-o -h --output --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --output)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__print)
            opts="-h --config --host --json --timeout --websocket --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --host)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --websocket)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__remote__subcmd__deploy)
            opts="-h --help hello stage switch roll-back identities old-zeek journal help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__remote__subcmd__deploy__subcmd__hello)
            opts="-h --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__remote__subcmd__deploy__subcmd__help)
            opts="hello stage switch roll-back identities old-zeek journal help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__remote__subcmd__deploy__subcmd__help__subcmd__hello)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__remote__subcmd__deploy__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__remote__subcmd__deploy__subcmd__help__subcmd__identities)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__remote__subcmd__deploy__subcmd__help__subcmd__journal)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__remote__subcmd__deploy__subcmd__help__subcmd__old__subcmd__zeek)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__remote__subcmd__deploy__subcmd__help__subcmd__roll__subcmd__back)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__remote__subcmd__deploy__subcmd__help__subcmd__stage)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__remote__subcmd__deploy__subcmd__help__subcmd__switch)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__remote__subcmd__deploy__subcmd__identities)
            opts="-h --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__remote__subcmd__deploy__subcmd__journal)
            opts="-h --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__remote__subcmd__deploy__subcmd__old__subcmd__zeek)
            opts="-h --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__remote__subcmd__deploy__subcmd__roll__subcmd__back)
            opts="-h --settle --timeout --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --settle)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__remote__subcmd__deploy__subcmd__stage)
            opts="-h --dry-run --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__remote__subcmd__deploy__subcmd__switch)
            opts="-h --settle --timeout --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --settle)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__render)
            opts="-h --config --host --normal-dir --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --host)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --normal-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__rotate__subcmd__leftovers)
            opts="-h --log-suffix --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --log-suffix)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__secrets)
            opts="-h --help create rotate install help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__secrets__subcmd__create)
            opts="-o -h --output --force --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --output)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__secrets__subcmd__help)
            opts="create rotate install help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__secrets__subcmd__help__subcmd__create)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__secrets__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__secrets__subcmd__help__subcmd__install)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__secrets__subcmd__help__subcmd__rotate)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__secrets__subcmd__install)
            opts="-h --secrets --out --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --secrets)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --out)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__secrets__subcmd__rotate)
            opts="-h --dry-run --restart --settle --timeout --this-host-only --reachable-only --ssh-user --remote-program --rolling --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --restart)
                    COMPREPLY=($(compgen -W "all none" -- "${cur}"))
                    return 0
                    ;;
                --settle)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --ssh-user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --remote-program)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__setup__subcmd__scripts)
            opts="-h --config --host --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --host)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__status)
            opts="-h --config --host --json --cluster --ssh-user --remote-program --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --host)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --ssh-user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --remote-program)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zeek__subcmd__systemd__subcmd__top)
            opts="-h --config --host --once --json --interval --cluster --ssh-user --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --host)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --ssh-user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
    esac
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _zeek__systemd -o nosort -o bashdefault -o default zeek-systemd
else
    complete -F _zeek__systemd -o bashdefault -o default zeek-systemd
fi
