;; Mutation: assert_unlinkable on a module that links.
(module $m (func (export "f")))
(register "m" $m)
(assert_unlinkable (module (import "m" "g" (func))) "unknown import")
(assert_unlinkable (module (import "m" "f" (func))) "unknown import")
