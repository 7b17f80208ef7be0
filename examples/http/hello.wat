;; The main job's example: a wasi:http/proxy component written in the component text format,
;; which wasmrun's own parser compiles (no toolchain, no npm):
;;
;;   build/wasmrun serve examples/http/hello.wat
;;   curl http://localhost:8080/hi          # hello from wasmrun, path=/hi
;;
;; Every request gets a fresh instance; `handle` sets the response head (200, content-type
;; text/plain), then writes the body through the body's output-stream and finishes it. The
;; canonical ABI is written out by hand: a core module lowers the imports it needs and a bump
;; allocator serves `cabi_realloc`.
(component
  ;; ---- imports (only the parts we use) ----
  (import "wasi:io/error@0.2.0" (instance $io-error
    (export "error" (type (sub resource)))))
  (alias export $io-error "error" (type $error))

  (import "wasi:io/streams@0.2.0" (instance $streams
    (export "output-stream" (type (sub resource)))               ;; 0
    (alias outer 1 $error (type))                                 ;; 1
    (export "error" (type (eq 1)))                                ;; 2
    (type (own 2))                                                ;; 3
    (type (variant (case "last-operation-failed" 3) (case "closed")))  ;; 4
    (export "stream-error" (type (eq 4)))                         ;; 5
    (type (borrow 0))                                             ;; 6
    (type (list u8))                                              ;; 7
    (type (result (error 5)))                                     ;; 8
    (type (func (param "self" 6) (param "contents" 7) (result 8)))    ;; 9
    (export "[method]output-stream.blocking-write-and-flush" (func (type 9)))))
  (alias export $streams "output-stream" (type $output-stream))

  (import "wasi:http/types@0.2.0" (instance $types
    (export "incoming-request" (type (sub resource)))             ;; 0
    (export "fields" (type (sub resource)))                       ;; 1
    (export "headers" (type (eq 1)))                              ;; 2
    (export "trailers" (type (eq 1)))                             ;; 3
    (export "outgoing-response" (type (sub resource)))            ;; 4
    (export "outgoing-body" (type (sub resource)))                ;; 5
    (export "response-outparam" (type (sub resource)))            ;; 6
    (type (option string))                                        ;; 7
    (type (option u16))                                           ;; 8
    (type (record (field "rcode" 7) (field "info-code" 8)))       ;; 9
    (export "DNS-error-payload" (type (eq 9)))                    ;; 10
    (type (option u8))                                            ;; 11
    (type (record (field "alert-id" 11) (field "alert-message" 7)))  ;; 12
    (export "TLS-alert-received-payload" (type (eq 12)))          ;; 13
    (type (option u32))                                           ;; 14
    (type (record (field "field-name" 7) (field "field-size" 14)))   ;; 15
    (export "field-size-payload" (type (eq 15)))                  ;; 16
    (type (option u64))                                           ;; 17
    (type (option 16))                                            ;; 18
    (type (variant (case "DNS-timeout") (case "DNS-error" 10) (case "destination-not-found") (case "destination-unavailable") (case "destination-IP-prohibited") (case "destination-IP-unroutable") (case "connection-refused") (case "connection-terminated") (case "connection-timeout") (case "connection-read-timeout") (case "connection-write-timeout") (case "connection-limit-reached") (case "TLS-protocol-error") (case "TLS-certificate-error") (case "TLS-alert-received" 13) (case "HTTP-request-denied") (case "HTTP-request-length-required") (case "HTTP-request-body-size" 17) (case "HTTP-request-method-invalid") (case "HTTP-request-URI-invalid") (case "HTTP-request-URI-too-long") (case "HTTP-request-header-section-size" 14) (case "HTTP-request-header-size" 18) (case "HTTP-request-trailer-section-size" 14) (case "HTTP-request-trailer-size" 16) (case "HTTP-response-incomplete") (case "HTTP-response-header-section-size" 14) (case "HTTP-response-header-size" 16) (case "HTTP-response-body-size" 17) (case "HTTP-response-trailer-section-size" 14) (case "HTTP-response-trailer-size" 16) (case "HTTP-response-transfer-coding" 7) (case "HTTP-response-content-coding" 7) (case "HTTP-response-timeout") (case "HTTP-upgrade-failed") (case "HTTP-protocol-error") (case "loop-detected") (case "configuration-error") (case "internal-error" 7)))  ;; 19
    (export "error-code" (type (eq 19)))                          ;; 20
    (alias outer 1 $output-stream (type))                         ;; 21
    (export "output-stream" (type (eq 21)))                       ;; 22
    (type (own 1))                                                ;; 23
    (type (func (result 23)))                                     ;; 24
    (export "[constructor]fields" (func (type 24)))
    (type (own 2))                                                ;; 25
    (type (own 4))                                                ;; 26
    (type (func (param "headers" 25) (result 26)))                ;; 27
    (export "[constructor]outgoing-response" (func (type 27)))
    (type (borrow 4))                                             ;; 28
    (type (own 5))                                                ;; 29
    (type (result 29))                                            ;; 30
    (type (func (param "self" 28) (result 30)))                   ;; 31
    (export "[method]outgoing-response.body" (func (type 31)))
    (type (own 6))                                                ;; 32
    (type (result 26 (error 20)))                                 ;; 33
    (type (func (param "param" 32) (param "response" 33)))        ;; 34
    (export "[static]response-outparam.set" (func (type 34)))
    (type (borrow 5))                                             ;; 35
    (type (own 22))                                               ;; 36
    (type (result 36))                                            ;; 37
    (type (func (param "self" 35) (result 37)))                   ;; 38
    (export "[method]outgoing-body.write" (func (type 38)))
    (type (own 3))                                                ;; 39
    (type (option 39))                                            ;; 40
    (type (result (error 20)))                                    ;; 41
    (type (func (param "this" 29) (param "trailers" 40) (result 41)))  ;; 42
    (export "[static]outgoing-body.finish" (func (type 42)))
    (type (variant (case "invalid-syntax") (case "forbidden") (case "immutable")))  ;; 43
    (export "header-error" (type (eq 43)))                        ;; 44
    (type (borrow 1))                                             ;; 45: borrow<fields>
    (type (list u8))                                              ;; 46
    (type (result (error 44)))                                    ;; 47
    (type (func (param "self" 45) (param "name" string) (param "value" 46) (result 47)))  ;; 48
    (export "[method]fields.append" (func (type 48)))
    (type (borrow 0))                                             ;; 49: borrow<incoming-request>
    (type (func (param "self" 49) (result 7)))                    ;; 50: -> option<string>
    (export "[method]incoming-request.path-with-query" (func (type 50)))))
  (alias export $types "incoming-request" (type $incoming-request))
  (alias export $types "response-outparam" (type $response-outparam))

  ;; ---- memory and cabi_realloc, in a module of their own so that imports can be lowered with them ----
  (core module $Mem
    (memory (export "memory") 1)
    (global $top (mut i32) (i32.const 4096))
    ;; a bump allocator: cabi_realloc(old_ptr, old_size, align, new_size) -> ptr; a fresh
    ;; instance per request, so nothing is ever freed
    (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $top) (i32.sub (local.get 2) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get 2))))
      (global.set $top (i32.add (local.get $p) (local.get 3)))
      (if (i32.gt_u (global.get $top) (i32.mul (memory.size) (i32.const 65536)))
        (then (if (i32.eq (memory.grow (i32.add (i32.shr_u (i32.sub (global.get $top) (i32.mul (memory.size) (i32.const 65536))) (i32.const 16)) (i32.const 1)))
                          (i32.const -1))
                (then unreachable))))
      (local.get $p)))
  (core instance $mem (instantiate $Mem))
  (alias core export $mem "memory" (core memory $memory))
  (alias core export $mem "cabi_realloc" (core func $realloc))

  ;; ---- the imports, lowered ----
  (core func $fields-new (canon lower (func $types "[constructor]fields")))
  (core func $fields-append (canon lower (func $types "[method]fields.append") (memory $memory) string-encoding=utf8))
  (core func $path (canon lower (func $types "[method]incoming-request.path-with-query") (memory $memory) (realloc $realloc) string-encoding=utf8))
  (core func $resp-new (canon lower (func $types "[constructor]outgoing-response")))
  (core func $resp-body (canon lower (func $types "[method]outgoing-response.body") (memory $memory)))
  (core func $outparam-set (canon lower (func $types "[static]response-outparam.set") (memory $memory) string-encoding=utf8))
  (core func $body-write (canon lower (func $types "[method]outgoing-body.write") (memory $memory)))
  (core func $body-finish (canon lower (func $types "[static]outgoing-body.finish") (memory $memory) (realloc $realloc) string-encoding=utf8))
  (core func $write-flush (canon lower (func $streams "[method]output-stream.blocking-write-and-flush") (memory $memory)))
  (core func $drop-out (canon resource.drop $output-stream))
  (core func $drop-req (canon resource.drop $incoming-request))

  (core module $Main
    (import "env" "memory" (memory 1))
    (import "http" "fields-new" (func $fields-new (result i32)))
    (import "http" "fields-append" (func $fields-append (param i32 i32 i32 i32 i32 i32)))
    (import "http" "path" (func $path (param i32 i32)))
    (import "http" "resp-new" (func $resp-new (param i32) (result i32)))
    (import "http" "resp-body" (func $resp-body (param i32 i32)))
    (import "http" "outparam-set" (func $outparam-set (param i32 i32 i32 i32 i64 i32 i32 i32 i32)))
    (import "http" "body-write" (func $body-write (param i32 i32)))
    (import "http" "body-finish" (func $body-finish (param i32 i32 i32 i32)))
    (import "http" "drop-req" (func $drop-req (param i32)))
    (import "io" "write-flush" (func $write-flush (param i32 i32 i32 i32)))
    (import "io" "drop-out" (func $drop-out (param i32)))
    ;; 64..104: the return area of the calls (8-aligned)
    (data (i32.const 128) "content-type")   ;; 12 bytes
    (data (i32.const 144) "text/plain")     ;; 10 bytes
    (data (i32.const 160) "hello from wasmrun, path=")  ;; 25 bytes
    (data (i32.const 192) "\n")

    ;; Writes len bytes at ptr to the stream, 4096 at a time (blocking-write-and-flush's most).
    (func $write (param $out i32) (param $ptr i32) (param $len i32)
      (local $n i32)
      (block $done
        (loop $more
          (br_if $done (i32.eqz (local.get $len)))
          (local.set $n (select (i32.const 4096) (local.get $len) (i32.gt_u (local.get $len) (i32.const 4096))))
          (call $write-flush (local.get $out) (local.get $ptr) (local.get $n) (i32.const 64))
          (if (i32.load8_u (i32.const 64)) (then unreachable))
          (local.set $ptr (i32.add (local.get $ptr) (local.get $n)))
          (local.set $len (i32.sub (local.get $len) (local.get $n)))
          (br $more))))

    (func (export "handle") (param $req i32) (param $outparam i32)
      (local $headers i32) (local $resp i32) (local $body i32) (local $out i32)
      (local $path-ptr i32) (local $path-len i32)
      ;; the path-with-query: option<string> at 64 (discriminant), 68 (pointer), 72 (length)
      (call $path (local.get $req) (i32.const 64))
      (if (i32.load8_u (i32.const 64))
        (then (local.set $path-ptr (i32.load (i32.const 68)))
              (local.set $path-len (i32.load (i32.const 72)))))
      (call $drop-req (local.get $req))
      ;; the head: 200 (the default) with content-type: text/plain
      (local.set $headers (call $fields-new))
      (call $fields-append (local.get $headers) (i32.const 128) (i32.const 12) (i32.const 144) (i32.const 10) (i32.const 64))
      (if (i32.load8_u (i32.const 64)) (then unreachable))
      (local.set $resp (call $resp-new (local.get $headers)))
      (call $resp-body (local.get $resp) (i32.const 64))
      (if (i32.load8_u (i32.const 64)) (then unreachable))
      (local.set $body (i32.load (i32.const 68)))
      ;; response-outparam.set(outparam, ok(resp)): the head goes out now
      (call $outparam-set (local.get $outparam) (i32.const 0) (local.get $resp)
            (i32.const 0) (i64.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))
      ;; the body, as it is written
      (call $body-write (local.get $body) (i32.const 64))
      (if (i32.load8_u (i32.const 64)) (then unreachable))
      (local.set $out (i32.load (i32.const 68)))
      (call $write (local.get $out) (i32.const 160) (i32.const 25))
      (call $write (local.get $out) (local.get $path-ptr) (local.get $path-len))
      (call $write (local.get $out) (i32.const 192) (i32.const 1))
      (call $drop-out (local.get $out))
      (call $body-finish (local.get $body) (i32.const 0) (i32.const 0) (i32.const 64))
      (if (i32.load8_u (i32.const 64)) (then unreachable))))
  (core instance $main (instantiate $Main
    (with "env" (instance (export "memory" (memory $memory))))
    (with "http" (instance
      (export "fields-new" (func $fields-new))
      (export "fields-append" (func $fields-append))
      (export "path" (func $path))
      (export "resp-new" (func $resp-new))
      (export "resp-body" (func $resp-body))
      (export "outparam-set" (func $outparam-set))
      (export "body-write" (func $body-write))
      (export "body-finish" (func $body-finish))
      (export "drop-req" (func $drop-req))))
    (with "io" (instance
      (export "write-flush" (func $write-flush))
      (export "drop-out" (func $drop-out))))))

  ;; ---- the export: wasi:http/incoming-handler@0.2.0 ----
  (type $handle-ty (func (param "request" (own $incoming-request)) (param "response-out" (own $response-outparam))))
  (func $handle (type $handle-ty) (canon lift (core func $main "handle")))
  (instance $handler (export "handle" (func $handle)))
  (export "wasi:http/incoming-handler@0.2.0" (instance $handler))
)
