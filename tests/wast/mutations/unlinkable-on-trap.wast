;; Mutation: assert_unlinkable on a module whose start function traps.
(assert_uninstantiable (module (func $start (unreachable)) (start $start)) "unreachable")
(assert_unlinkable (module (func $start (unreachable)) (start $start)) "unreachable")
