;; Mutation: the import is incompatible, not unknown.
(module $m (func (export "f")))
(register "m" $m)
(assert_unlinkable (module (import "m" "f" (func (param i32)))) "incompatible import type")
(assert_unlinkable (module (import "m" "f" (func (param i32)))) "unknown import")
