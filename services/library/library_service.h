// techreno.v1.KeyProjectLibrary: the contract is in proto/techreno/v1/library.proto.
// Not implemented yet: every method answers UNIMPLEMENTED (the generated
// base class's behaviour) until its issue lands.
#ifndef TECHRENO_SERVICES_LIBRARY_LIBRARY_SERVICE_H_
#define TECHRENO_SERVICES_LIBRARY_LIBRARY_SERVICE_H_

#include "techreno/v1/library.grpc.pb.h"

namespace techreno::library {

class LibraryService final : public v1::KeyProjectLibrary::Service {};

}  // namespace techreno::library

#endif  // TECHRENO_SERVICES_LIBRARY_LIBRARY_SERVICE_H_
