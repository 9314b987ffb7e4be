#!/bin/zsh -f
# Prints the completions zsh offers for the command line "$1", one a line, with the completion
# functions of the folder "$2" first in fpath: an interactive zsh in a pseudo-terminal (zsh/zpty)
# types the line and TAB, and compadd is wrapped to print what it is given. After the technique of
# Valodim/zsh-capture-completion.
zmodload zsh/zpty || exit 2
zpty z zsh -f -i
local line
setopt rcquotes
zpty -w z "fpath=($2 \$fpath)"
() {
  zpty -w z source $1
  repeat 4; do
    zpty -r z line
    [[ $line == ok* ]] && return
  done
  echo 'error initializing.' >&2
  exit 2
} =( <<< '
PROMPT=
autoload -U compinit
compinit -u -d "${TMPDIR:-/tmp}/.zcompdump-hrsync-capture"
bindkey ''^M'' undefined
bindkey ''^J'' undefined
bindkey ''^I'' complete-word
null-line () { echo -E - $''\0'' }
compprefuncs=( null-line )
comppostfuncs=( null-line exit )
zstyle '':completion:*'' list-grouped false
zstyle '':completion:*'' insert-tab false
zstyle '':completion:*'' list-separator ''''
compadd () {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
    builtin compadd "$@"
    return $?
  fi
  typeset -a __hits
  builtin compadd -A __hits "$@"
  [[ -n $__hits ]] || return
  local i
  for i in {1..$#__hits}; do echo -E - "$__hits[$i]"; done
}
echo ok')
zpty -w z "$1"$'\t'
integer tog=0
while zpty -r z; do :; done | while IFS= read -r line; do
  if [[ $line == *$'\0\r' ]]; then
    (( tog++ )) && return 0 || continue
  fi
  (( tog )) && echo -E - ${line%$'\r'}
done
return 2
