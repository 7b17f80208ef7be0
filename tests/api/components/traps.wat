;; A component whose one export `echo: func(s: string) -> string` traps in each of the three
;; core entries of a host call, chosen by the argument's length (tests/api/component_test.cpp):
;;   7 bytes: realloc, lowering the argument, executes `unreachable`;
;;   4 bytes: the callee divides by zero;
;;   5 bytes: post-return loads out of bounds.
;; Any other string comes back unchanged.
(component
  (core module $M
    (memory (export "memory") 1)
    (global $top (mut i32) (i32.const 1024))
    (func $realloc (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (if (i32.eq (local.get 3) (i32.const 7)) (then unreachable))
      (local.set $p (global.get $top))
      (global.set $top (i32.add (local.get $p) (local.get 3)))
      (local.get $p))
    (func $echo (export "echo") (param i32 i32) (result i32)
      (if (i32.eq (local.get 1) (i32.const 4)) (then (drop (i32.div_u (i32.const 1) (i32.const 0)))))
      (i32.store (i32.const 0) (local.get 0))
      (i32.store (i32.const 4) (local.get 1))
      (i32.const 0))
    (func $post-return (export "post-return") (param i32)
      (if (i32.eq (i32.load offset=4 (local.get 0)) (i32.const 5))
        (then (drop (i32.load (i32.const -1)))))
      (global.set $top (i32.const 1024))))
  (core instance $m (instantiate $M))
  (alias core export $m "memory" (core memory $memory))
  (alias core export $m "realloc" (core func $realloc))
  (alias core export $m "post-return" (core func $post-return))
  (func (export "echo") (param "s" string) (result string)
    (canon lift (core func $m "echo") (memory $memory) (realloc $realloc) (post-return $post-return)))
)
