// Administration without a server (--db): migrate, create principals, load a
// year's working-day calendar.
#include <memory>

#include "clients/cli/cli_app.h"
#include "clients/cli/commands.h"

namespace techreno::cli {

void AddAdminCommands(CLI::App& app, CommandTable& table) {
  CLI::App* admin = AddCommand(app, "admin", "database administration, without a server (--db)",
                               "techreno admin migrate --db=\"host=127.0.0.1 dbname=techreno\"");
  admin->group(kAdminGroup);

  CLI::App* migrate =
      AddCommand(*admin, "migrate", "apply schema migrations and load reference data",
                 "techreno admin migrate");
  table.Bind(migrate, [](const GlobalOptions& g) { return AdminMigrate(g); });

  struct Principal {
    std::string name, role, scope;
  };
  auto p = std::make_shared<Principal>();
  CLI::App* create =
      AddCommand(*admin, "create-principal", "create a principal; prints only its token",
                 "techreno admin create-principal --name=liwan --role=county --scope=440103");
  create->add_option("--name", p->name, "principal name, e.g. liwan")->required();
  create->add_option("--role", p->role, "county, city, province, bank or auditor")
      ->required()
      ->check(CLI::IsMember({"county", "city", "province", "bank", "auditor"}));
  create
      ->add_option("--scope", p->scope,
                   "region code (county, city, province), bank id (bank), or * (auditor)")
      ->required();
  table.Bind(create, [p](const GlobalOptions& g) {
    return AdminCreatePrincipal(g, p->name, p->role, p->scope);
  });

  auto path = std::make_shared<std::string>();
  CLI::App* calendar = AddCommand(
      *admin, "load-calendar",
      "load a year's working-day calendar (\"date,kind,name\" CSV: holiday or workday, as "
      "libs/store/data/cn-working-calendar.csv) in one transaction",
      "techreno admin load-calendar cn-working-calendar-2027.csv");
  calendar->add_option("FILE", *path, "the calendar CSV")->required();
  table.Bind(calendar, [path](const GlobalOptions& g) { return AdminLoadCalendar(g, *path); });
}

}  // namespace techreno::cli
