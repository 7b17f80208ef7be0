;; Traps are precise (core spec §4.4): the first trapping instruction in program order traps,
;; with the effects before it done and none after it. Each case here is one the differential
;; fuzzer (tests/fuzz/differential/) found wasmrun's JIT getting wrong, reduced by hand; V8
;; agrees with every expectation. The fix: jit/precise_traps.h. The first four failed before it;
;; the last two, the effects around a trap, hold with it and stay checked.

(module
  (memory 1)
  (global $g (mut i32) (i32.const 0))
  (func $load_far (result i64) (i64.load offset=40563 (i32.const 262131)))

  ;; A load out of bounds, then a division by zero: LLVM sank the load past the division's check.
  (func (export "load-then-div") (param i32) (result i32)
    (i32.load (i32.const 70000))
    (i32.div_s (i32.const 1) (local.get 0))
    (i32.add))
  (func (export "load-at-then-div") (param i32 i32) (result i32)
    (i32.load (local.get 1))
    (i32.div_s (i32.const 1) (local.get 0))
    (i32.add))

  ;; A load that only decides a branch whose targets are the same: the branch was folded away and
  ;; the load with it.
  (func (export "br_if-on-load")
    (br_if 0 (i32.load16_s offset=48246 (i32.const 56787)))
    (return))

  ;; A load returned by a function whose caller drops the result: deleted after inlining.
  (func (export "dropped-call") (drop (call $load_far)))

  ;; A load out of bounds, then a global.set: the store to the global was done before the fault.
  (func (export "load-then-global.set") (result i32)
    (local i32)
    (local.set 0 (i32.load (i32.const 70000)))
    (global.set $g (i32.const 1))
    (local.get 0))
  (func (export "global") (result i32) (global.get $g))

  ;; A store, then a load out of bounds: the store must be done when the load traps.
  (func (export "store-then-load") (param i32) (result i32)
    (i32.store (i32.const 8) (i32.const 42))
    (i32.load (local.get 0)))
  (func (export "read8") (result i32) (i32.load (i32.const 8)))
)

(assert_trap (invoke "load-then-div" (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "load-at-then-div" (i32.const 0) (i32.const 70000)) "out of bounds memory access")
(assert_trap (invoke "br_if-on-load") "out of bounds memory access")
(assert_trap (invoke "dropped-call") "out of bounds memory access")
(assert_trap (invoke "load-then-global.set") "out of bounds memory access")
(assert_return (invoke "global") (i32.const 0))
(assert_trap (invoke "store-then-load" (i32.const 65536)) "out of bounds memory access")
(assert_return (invoke "read8") (i32.const 42))
