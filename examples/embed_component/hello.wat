;; The component examples/embed_component/embed_component.cpp runs: it imports an interface of
;; the host and exports `greet: func(name: string) -> string`, which logs the name through the
;; host and returns it upper-cased by the host.
(component
  (import "example:host/text@0.1.0" (instance $text
    (export "log" (func (param "message" string)))
    (export "upper" (func (param "s" string) (result string)))))
  (alias export $text "log" (func $log))
  (alias export $text "upper" (func $upper))

  ;; Memory and a bump allocator, reset after each call by post-return.
  (core module $Libc
    (memory (export "memory") 1)
    (global $top (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $top) (i32.sub (local.get 2) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get 2))))
      (global.set $top (i32.add (local.get $p) (local.get 3)))
      (if (i32.gt_u (global.get $top) (i32.mul (memory.size) (i32.const 65536))) (then unreachable))
      (local.get $p))
    (func (export "reset") (param i32) (global.set $top (i32.const 1024))))
  (core instance $libc (instantiate $Libc))
  (alias core export $libc "memory" (core memory $memory))
  (alias core export $libc "realloc" (core func $realloc))
  (alias core export $libc "reset" (core func $reset))
  (core func $log-l (canon lower (func $log) (memory $memory)))
  (core func $upper-l (canon lower (func $upper) (memory $memory) (realloc $realloc)))

  (core module $Main
    (import "host" "log" (func $log (param i32 i32)))
    (import "host" "upper" (func $upper (param i32 i32 i32)))
    (func (export "greet") (param i32 i32) (result i32)
      (call $log (local.get 0) (local.get 1))
      (call $upper (local.get 0) (local.get 1) (i32.const 8))
      (i32.const 8)))
  (core instance $main (instantiate $Main
    (with "host" (instance (export "log" (func $log-l)) (export "upper" (func $upper-l))))))
  (func (export "greet") (param "name" string) (result string)
    (canon lift (core func $main "greet") (memory $memory) (realloc $realloc) (post-return $reset))))
