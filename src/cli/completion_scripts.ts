/**
 * @module
 * The scripts `cao completions <shell>` prints. Each is a thin shell function that hands the words typed so
 * far to `cao complete -- <words>` and offers what comes back (the line protocol of
 * `completion_resolve.ts`), so every shell completes the same commands, flags, values and account names.
 * Each needs nothing but its shell (bash without the bash-completion package, zsh with or without
 * compinit) and can be loaded any number of times. Pure text.
 */

/** The shells cao writes completions for. */
export const SHELLS = ["bash", "zsh", "fish", "powershell"] as const;

/** One of {@link SHELLS}. */
export type Shell = typeof SHELLS[number];

/** The template's text as written, where a backslash-dollar-brace stands for the shells' own dollar-brace. */
function script(parts: TemplateStringsArray): string {
  return String.raw(parts).replaceAll("\\${", "${");
}

const BASH = script`# bash completion for cao. Load it with:  source <(cao completions bash)
# Plain bash is enough (the bash-completion package is not needed); loading it again is harmless.
_cao_completions() {
  local word line full prefix directive=4 i n=0
  local -a words=()
  # bash splits "--flag=value" at "=" and ":" (COMP_WORDBREAKS): join the pieces again for cao.
  for ((i = 1; i <= COMP_CWORD; i++)); do
    word=\${COMP_WORDS[i]}
    if ((n > 0)) && [[ $word == [=:] || \${words[n - 1]} == *[=:] ]]; then
      words[n - 1]=\${words[n - 1]}$word
    else
      words[n]=$word
      n=$((n + 1))
    fi
  done
  ((n > 0)) || words[0]=""
  full=\${words[\${#words[@]} - 1]}
  # bash replaces only the part after the last "=" or ":"; cao answers with whole words.
  prefix=""
  [[ $full == *[=:]* ]] && prefix=\${full%"\${full##*[=:]}"}
  COMPREPLY=()
  while IFS= read -r line; do
    case $line in
      :*) directive=\${line#:} ;;
      ?*) line=\${line%%$'\t'*}; COMPREPLY+=("\${line#"$prefix"}") ;;
    esac
  done < <(command cao complete -- "\${words[@]}" 2>/dev/null)
  if ((\${#COMPREPLY[@]} == 0 && (directive & 4) == 0)); then
    while IFS= read -r line; do
      [[ -n $line ]] && COMPREPLY+=("$line")
    done < <(if ((directive & 16)); then compgen -d -- "\${full#"$prefix"}"; else compgen -f -- "\${full#"$prefix"}"; fi)
    type compopt >/dev/null 2>&1 && compopt -o filenames 2>/dev/null
  fi
  return 0
}
complete -F _cao_completions cao
`;

const ZSH = script`#compdef cao
# zsh completion for cao. Load it with:  source <(cao completions zsh)   (after compinit, if you use it)
# or save it as _cao in a directory of your $fpath. Works with or without compinit; loading it again is
# harmless.
_cao_ask() {
  # $@: the words after cao, the last one under the cursor. Sets _cao_values, _cao_described, _cao_directive.
  local line value
  _cao_values=() _cao_described=() _cao_directive=4
  for line in "\${(@f)$(command cao complete -- "$@" 2>/dev/null)}"; do
    if [[ $line == :* ]]; then
      _cao_directive=\${line#:}
    elif [[ -n $line ]]; then
      value=\${line%%$'\t'*}
      _cao_values+=("$value")
      _cao_described+=("\${value//:/\\:}:\${line#*$'\t'}")
    fi
  done
}
_cao() {
  local -a _cao_values _cao_described
  local _cao_directive
  _cao_ask "\${(@)words[2,CURRENT]}"
  if (( \${#_cao_values} )); then
    _describe -t cao-values cao _cao_described
    return
  fi
  (( _cao_directive & 4 )) && return 1
  [[ $PREFIX == -*=* ]] && compset -P '*='
  if (( _cao_directive & 16 )); then _files -/; else _files; fi
}
_cao_compctl() {
  # Without compinit: the older compctl completion, which every zsh has.
  local -a words _cao_values _cao_described
  local cword _cao_directive
  read -cA words
  read -cn cword
  _cao_ask "\${(@)words[2,cword-1]}" "\${words[cword]}"
  reply=("\${_cao_values[@]}")
  if (( ! \${#reply} && ! (_cao_directive & 4) )); then
    if (( _cao_directive & 16 )); then reply=(\${words[cword]}*(N-/)); else reply=(\${words[cword]}*(N)); fi
  fi
}
if [[ \${funcstack[1]} == _cao ]]; then
  _cao "$@"
elif (( $+functions[compdef] )); then
  compdef _cao cao
else
  compctl -K _cao_compctl cao
fi
`;

const FISH = script`# fish completion for cao. Load it with:  cao completions fish | source
# or save it as ~/.config/fish/completions/cao.fish. Loading it again is harmless.
function __cao_complete
    set -l words (commandline -opc)
    set -e words[1]
    set -l current (commandline -ct)
    set -l directive 4
    set -l found 0
    for line in (command cao complete -- $words "$current" 2>/dev/null)
        if string match -q -- ':*' $line
            set directive (string sub -s 2 -- $line)
        else if test -n "$line"
            printf '%s\n' $line
            set found 1
        end
    end
    if test $found = 0; and test (math "bitand($directive, 4)") = 0
        set -l prefix (string match -r -- '^-[^=]*=' $current); or set prefix ''
        set -l rest (string replace -r -- '^-[^=]*=' '' $current)
        if test (math "bitand($directive, 16)") != 0
            printf '%s\n' $prefix(__fish_complete_directories $rest)
        else
            printf '%s\n' $prefix(__fish_complete_path $rest)
        end
    end
end
complete -c cao -e
complete -c cao -f -a '(__cao_complete)'
`;

const POWERSHELL = script`# PowerShell completion for cao. Load it with:
#   cao completions powershell | Out-String | Invoke-Expression
# (add that line to $PROFILE). Loading it again is harmless.
Register-ArgumentCompleter -Native -CommandName 'cao', 'cao.exe' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $words = @()
    foreach ($element in ($commandAst.CommandElements | Select-Object -Skip 1)) {
        if ($element.Extent.StartOffset -ge $cursorPosition) { break }
        $text = $element.Extent.Text
        if ($element.Extent.EndOffset -gt $cursorPosition) {
            $text = $text.Substring(0, $cursorPosition - $element.Extent.StartOffset)
        }
        $words += $text
    }
    # Older PowerShells drop an empty argument on the way to a program: say "a new word" with a flag.
    $newWord = @()
    if ($wordToComplete -eq '') { $newWord = @('--new-word') }
    $directive = 4
    $results = @()
    foreach ($line in @(& cao complete @newWord -- @words 2>$null)) {
        if ($line.StartsWith(':')) { $directive = [int]$line.Substring(1); continue }
        if ($line -eq '') { continue }
        $parts = $line.Split([char]9, 2)
        $tip = if ($parts.Count -gt 1 -and $parts[1] -ne '') { $parts[1] } else { $parts[0] }
        $results += [System.Management.Automation.CompletionResult]::new($parts[0], $parts[0], 'ParameterValue', $tip)
    }
    # No candidates and file completion wanted: return nothing, and PowerShell completes paths itself.
    if ($results.Count -eq 0 -and ($directive -band 4) -eq 0) { return }
    $results
}
`;

/** The completion script for `shell`. Pure. */
export function completionScript(shell: Shell): string {
  switch (shell) {
    case "bash":
      return BASH;
    case "zsh":
      return ZSH;
    case "fish":
      return FISH;
    case "powershell":
      return POWERSHELL;
  }
}
