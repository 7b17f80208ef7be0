;; map<K, V> (component-model-map): its key types, and its canonical ABI, which is exactly
;; list<tuple<K, V>>'s (CanonicalABI.md despecialize). The host sees a map as that list.
;;! component_model_map = true

(component
  (type (map bool u8))
  (type (map s64 (list string)))
  (type (map char (map string u32)))
)

(assert_invalid (component (type (map f32 u8))) "map key type `f32`")
(assert_invalid (component (type (map (list u8) u8))) "map key type `list`")
(assert_invalid (component (type $r (record (field "a" u8))) (type (map $r u8))) "map key type")

;; A map's layout: (ptr, len) of 8-byte entries {u32 key, u8 value}, read back by the host.
(component
  (core module $M
    (memory (export "mem") 1)
    (data (i32.const 64) "\01\00\00\00\0a\00\00\00\02\00\00\00\14\00\00\00")
    (func (export "get") (result i32)
      (i32.store (i32.const 16) (i32.const 64))
      (i32.store (i32.const 20) (i32.const 2))
      (i32.const 16))
    ;; Takes a map lowered by the host: returns the sum of its values, weighted by their keys.
    (func (export "sum") (param $p i32) (param $n i32) (result i32)
      (local $acc i32)
      (block $done
        (loop $next
          (br_if $done (i32.eqz (local.get $n)))
          (local.set $acc (i32.add (local.get $acc)
            (i32.mul (i32.load (local.get $p)) (i32.load8_u offset=4 (local.get $p)))))
          (local.set $p (i32.add (local.get $p) (i32.const 8)))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $next)))
      (local.get $acc))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 256))
  )
  (core instance $m (instantiate $M))
  (type $map (map u32 u8))
  (func (export "get") (result $map)
    (canon lift (core func $m "get") (memory (core memory $m "mem"))))
  (func (export "sum") (param "m" $map) (result u32)
    (canon lift (core func $m "sum") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
)
(assert_return (invoke "get")
  (list.const (tuple.const (u32.const 1) (u8.const 10)) (tuple.const (u32.const 2) (u8.const 20))))
(assert_return (invoke "sum" (list.const (tuple.const (u32.const 3) (u8.const 5)) (tuple.const (u32.const 4) (u8.const 1))))
  (u32.const 19))

;; A map and the list of tuples it is laid out as are still different types.
(assert_invalid
  (component
    (import "f" (func $f (result (map u32 u8))))
    (component $C (import "f" (func (result (list (tuple u32 u8))))))
    (instance (instantiate $C (with "f" (func $f)))))
  "type mismatch")
