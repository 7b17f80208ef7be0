;; Mutation: a bare action that traps fails the script.
(module (func (export "nop")) (func (export "unr") (unreachable)))
(invoke "nop")
(invoke "unr")
