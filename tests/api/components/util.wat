;; A component exercising the public component API (tests/api/component_test.cpp,
;; bench/component/component_bench.cpp): imports of host functions and a host resource in a
;; versioned interface, exports of strings, lists, a resource taken from the host, a trap.
(component
  (import "host:test/util@1.2.0" (instance $util
    (export "counter" (type (sub resource)))
    (type (own 0))                                        ;; 1
    (type (borrow 0))                                     ;; 2
    (type (func (param "s" string) (result string)))      ;; 3
    (export "upper" (func (type 3)))
    (type (func (param "a" u32) (param "b" u32) (result u32)))  ;; 4
    (export "add" (func (type 4)))
    (type (func (param "start" u32) (result 1)))          ;; 5
    (export "[constructor]counter" (func (type 5)))
    (type (func (param "self" 2) (result u32)))           ;; 6
    (export "[method]counter.bump" (func (type 6)))))
  (alias export $util "counter" (type $counter))
  (alias export $util "upper" (func $upper))
  (alias export $util "add" (func $add))
  (alias export $util "[constructor]counter" (func $counter-new))
  (alias export $util "[method]counter.bump" (func $counter-bump))

  ;; Memory and a bump allocator that post-return resets, in their own module so they exist
  ;; before the imports are lowered.
  (core module $Libc
    (memory (export "memory") 1)
    (global $top (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $top) (i32.sub (local.get 2) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get 2))))
      (global.set $top (i32.add (local.get $p) (local.get 3)))
      (if (i32.gt_u (global.get $top) (i32.mul (memory.size) (i32.const 65536)))
        (then (if (i32.eq (memory.grow (i32.add (i32.shr_u (i32.sub (global.get $top) (i32.mul (memory.size) (i32.const 65536))) (i32.const 16)) (i32.const 1)))
                          (i32.const -1))
                (then unreachable))))
      (local.get $p))
    (func (export "reset") (param i32) (global.set $top (i32.const 1024))))
  (core instance $libc (instantiate $Libc))
  (alias core export $libc "memory" (core memory $memory))
  (alias core export $libc "realloc" (core func $realloc))
  (alias core export $libc "reset" (core func $reset))

  (core func $upper-l (canon lower (func $upper) (memory $memory) (realloc $realloc)))
  (core func $add-l (canon lower (func $add)))
  (core func $counter-new-l (canon lower (func $counter-new)))
  (core func $counter-bump-l (canon lower (func $counter-bump)))
  (core func $counter-drop (canon resource.drop $counter))

  (core module $Main
    (import "env" "memory" (memory 1))
    (import "host" "upper" (func $upper (param i32 i32 i32)))
    (import "host" "add" (func $add (param i32 i32) (result i32)))
    (import "host" "counter-new" (func $counter-new (param i32) (result i32)))
    (import "host" "counter-bump" (func $counter-bump (param i32) (result i32)))
    (import "host" "counter-drop" (func $counter-drop (param i32)))
    ;; echo: func(s: string) -> string; the result pair at 0
    (func (export "echo") (param i32 i32) (result i32)
      (i32.store (i32.const 0) (local.get 0))
      (i32.store (i32.const 4) (local.get 1))
      (i32.const 0))
    ;; greet: func(s: string) -> string, upper-cased by the host; the result pair at 8
    (func (export "greet") (param i32 i32) (result i32)
      (call $upper (local.get 0) (local.get 1) (i32.const 8))
      (i32.const 8))
    (func (export "sum") (param i32 i32) (result i32) (call $add (local.get 0) (local.get 1)))
    ;; count: a counter from 10, bumped twice, dropped: 12
    (func (export "count") (result i32)
      (local $h i32) (local $r i32)
      (local.set $h (call $counter-new (i32.const 10)))
      (drop (call $counter-bump (local.get $h)))
      (local.set $r (call $counter-bump (local.get $h)))
      (call $counter-drop (local.get $h))
      (local.get $r))
    ;; take: func(c: own<counter>) -> u32: bumps the host's counter once and drops it
    (func (export "take") (param i32) (result i32)
      (local $r i32)
      (local.set $r (call $counter-bump (local.get 0)))
      (call $counter-drop (local.get 0))
      (local.get $r))
    ;; len: func(bytes: list<u8>) -> u32
    (func (export "len") (param i32 i32) (result i32) (local.get 1))
    (func (export "fail") unreachable))
  (core instance $main (instantiate $Main
    (with "env" (instance (export "memory" (memory $memory))))
    (with "host" (instance
      (export "upper" (func $upper-l))
      (export "add" (func $add-l))
      (export "counter-new" (func $counter-new-l))
      (export "counter-bump" (func $counter-bump-l))
      (export "counter-drop" (func $counter-drop))))))

  (type $own-counter (own $counter))
  (func (export "echo") (param "s" string) (result string)
    (canon lift (core func $main "echo") (memory $memory) (realloc $realloc) (post-return $reset)))
  (func (export "greet") (param "s" string) (result string)
    (canon lift (core func $main "greet") (memory $memory) (realloc $realloc) (post-return $reset)))
  (func (export "sum") (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $main "sum")))
  (func (export "count") (result u32) (canon lift (core func $main "count")))
  (func (export "take") (param "c" $own-counter) (result u32) (canon lift (core func $main "take")))
  (func (export "len") (param "bytes" (list u8)) (result u32)
    (canon lift (core func $main "len") (memory $memory) (realloc $realloc) (post-return $reset)))
  (func (export "fail") (canon lift (core func $main "fail")))
)
