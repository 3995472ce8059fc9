// How the server reads techreno's requests off the wire.
//
// gRPC turns bytes into messages through grpc::SerializationTraits. Its default
// for protobuf answers a message it cannot parse — most often a proto3 string
// field with invalid UTF-8 — with INTERNAL and an empty message for a unary
// call, and ends a client stream silently, as if the client had closed it.
// The specialisations below keep gRPC's behaviour for every valid message and
// change only that failure:
//  - Unary requests (generated code reads them as MessageLite): INVALID_ARGUMENT
//    with a google.rpc.BadRequest naming each field that holds invalid UTF-8
//    (rule "text.utf8"), or the message type when the bytes are not protobuf.
//  - Records of a client stream (PushProjectsRequest, PushProgressRequest): the
//    record is read with the bad values escaped and the problems attached, so
//    the push answers that record as rejected by position and goes on
//    (TakeWireProblems, wire_problems.h, called by the push loop).
//  - Chunks of such records (PushProjectsChunk, PushProgressChunk): split into
//    their records, each read as above; a chunk that cannot be split is
//    marked malformed and the push ends INVALID_ARGUMENT.
//  - Request fields over the size limits (wire_check.h) are refused the same
//    way, before any handler work.
// These answers come before the handler runs, so before authentication.
//
// Every translation unit that uses the generated gRPC code must see these
// specialisations before gRPC's own: techreno_wire's PUBLIC compile options
// force-include this header (-include) into everything that links it, which
// techreno_proto does. Declarations only, so that it needs no generated header.
#ifndef TECHRENO_LIBS_RPC_WIRE_TRAITS_H_
#define TECHRENO_LIBS_RPC_WIRE_TRAITS_H_

#ifdef __cplusplus

#include <grpcpp/impl/codegen/config_protobuf.h>
#include <grpcpp/impl/serialization_traits.h>
#include <grpcpp/support/status.h>

namespace grpc {
class ByteBuffer;
}  // namespace grpc

namespace techreno::v1 {
class PushProjectsRequest;
class PushProgressRequest;
class PushProjectsChunk;
class PushProgressChunk;
class WatchRecommendationsRequest;
}  // namespace techreno::v1

// gRPC's traits for one message type, read by techreno::rpc's reader.
#define TECHRENO_WIRE_TRAITS(Type)                                                   \
  template <>                                                                        \
  class SerializationTraits<Type, void> {                                            \
   public:                                                                           \
    static Status Serialize(const grpc::protobuf::MessageLite& msg, ByteBuffer* bb,  \
                            bool* own_buffer);                                       \
    static Status Deserialize(ByteBuffer* buffer, grpc::protobuf::MessageLite* msg); \
  }

namespace grpc {
// Every unary request and response (the generated code reads them as MessageLite).
TECHRENO_WIRE_TRAITS(grpc::protobuf::MessageLite);
// The request of a server-streaming call: answered like a unary request.
TECHRENO_WIRE_TRAITS(techreno::v1::WatchRecommendationsRequest);
// Records of client streams: a damaged record is answered, not the stream ended.
TECHRENO_WIRE_TRAITS(techreno::v1::PushProjectsRequest);
TECHRENO_WIRE_TRAITS(techreno::v1::PushProgressRequest);
// Chunks of stream records (the chunked pushes): each record read as a stream
// record is; a chunk that is not a list of records is marked malformed.
TECHRENO_WIRE_TRAITS(techreno::v1::PushProjectsChunk);
TECHRENO_WIRE_TRAITS(techreno::v1::PushProgressChunk);
}  // namespace grpc

#endif  // __cplusplus

#endif  // TECHRENO_LIBS_RPC_WIRE_TRAITS_H_
