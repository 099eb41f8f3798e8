using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EmailSync.Core.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class AssociationRules : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {

        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {

        }
    }
}
