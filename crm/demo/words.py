"""Word lists for believable French demo data. Data, not interface text: it stays in French."""

FIRST_NAMES_F = (
    "Camille", "Sophie", "Émilie", "Céline", "Aurélie", "Isabelle", "Nathalie", "Hélène", "Valérie", "Sandrine",
    "Chloé", "Léa", "Manon", "Pauline", "Agnès", "Mélanie", "Karine", "Élodie", "Inès", "Fatima",
)  # fmt: skip
FIRST_NAMES_M = (
    "Julien", "Nicolas", "Thomas", "Antoine", "Mathieu", "François", "Sébastien", "Guillaume", "Laurent", "Olivier",
    "Maxime", "Hugo", "Romain", "Benoît", "Jérôme", "Yannick", "Thierry", "Damien", "Rachid", "Mehdi",
)  # fmt: skip

LAST_NAMES = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
    "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
    "Morel", "Girard", "André", "Lefèvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez",
    "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas",
    "Perrin", "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin",
    "Masson", "Sanchez", "Boyer", "Denis", "Lemaire", "Duval", "Joly", "Gautier", "Roger", "Caron",
    "Delattre", "Vandamme", "Deschamps", "Bourgeois", "Pelletier", "Olivier", "Marchand", "Renaud", "Brun",
    "Baron", "Giraud", "Maillard", "Carpentier", "Hoarau", "Colin", "Lemoine", "Barbier", "Arnaud", "Vidal",
)  # fmt: skip

# "{trade} {surname}": the small businesses that make up the mass market.
TRADES = (
    "Boulangerie", "Pâtisserie", "Boucherie", "Charcuterie", "Fromagerie", "Pharmacie", "Garage", "Carrosserie",
    "Plomberie", "Électricité", "Menuiserie", "Maçonnerie", "Couverture", "Peinture", "Coiffure", "Institut",
    "Fleuriste", "Librairie", "Optique", "Cabinet dentaire", "Cabinet médical", "Cabinet d'architecture",
    "Étude notariale", "Auto-école", "Brasserie", "Restaurant", "Café", "Hôtel", "Taxi", "Pressing",
    "Cave", "Épicerie", "Quincaillerie", "Agence immobilière", "Transports", "Ambulances", "Paysages",
)  # fmt: skip

# "{trade} du/de la {place}": shops named after where they stand.
PLACES = ("du Centre", "de la Gare", "du Marché", "de la Place", "des Halles", "du Parc", "de l'Église", "des Arts")

# "{prefix}{suffix} {activity}": the intermediate companies and key accounts.
PREFIXES = ("Horizon", "Atlas", "Delta", "Vertex", "Orion", "Axe", "Cap")
SUFFIXES = ("", "tech", "log", "com", "data", "pro", "net", "bat", "services")
ACTIVITIES = (
    "Logistique", "Informatique", "Conseil", "Bâtiment", "Industrie", "Distribution", "Énergie", "Santé",
    "Sécurité", "Nettoyage", "Imprimerie", "Agroalimentaire", "Emballages", "Ingénierie", "Télécoms",
    "Formation", "Événementiel", "Expertise comptable", "Intérim", "Métallurgie",
)  # fmt: skip
LEGAL_FORMS = ("SARL", "SAS", "SA", "EURL", "SASU")

STREETS = (
    "rue Victor Hugo", "rue Jean Jaurès", "place du Général de Gaulle", "rue de la République", "avenue de la Gare",
    "rue Pasteur", "rue du Commerce", "chemin des Vignes", "zone d'activités des Prés", "rue de l'Industrie",
    "rue Gambetta", "avenue Foch",
)  # fmt: skip

# What makes a name or an address belong to its region, added to the common lists above.
REGIONAL = {
    "hdf": {
        "places": ("du Beffroi", "du Vieux-Lille", "de la Citadelle", "du Canal", "de la Baie de Somme"),
        "prefixes": ("Nord", "Opale", "Flandre", "Somme", "Picard", "Artois", "Escaut"),
        "streets": ("rue Nationale", "rue Faidherbe", "rue Esquermoise", "boulevard de la Liberté",
                    "rue des Trois Cailloux", "rue de Béthune", "boulevard Faidherbe"),
    },
    "paca": {
        "places": ("du Vieux-Port", "de la Corniche", "du Cours", "de la Plage", "des Calanques"),
        "prefixes": ("Azur", "Provence", "Méditerranée", "Calanque", "Phocée", "Estérel", "Riviera"),
        "streets": ("la Canebière", "rue Paradis", "rue Saint-Ferréol", "avenue Jean Médecin", "rue de France",
                    "boulevard Michelet", "avenue de la Californie"),
    },
}  # fmt: skip

# Towns served by each agency, with the area code their landlines start with.
TOWNS = {
    "lille": ("03 20", (("59000", "Lille"), ("59100", "Roubaix"), ("59200", "Tourcoing"),
                        ("59650", "Villeneuve-d'Ascq"), ("59700", "Marcq-en-Barœul"), ("59130", "Lambersart"))),
    "amiens": ("03 22", (("80000", "Amiens"), ("80100", "Abbeville"), ("80300", "Albert"),
                         ("80200", "Péronne"), ("80080", "Amiens"))),
    "marseille": ("04 91", (("13001", "Marseille"), ("13006", "Marseille"), ("13008", "Marseille"),
                            ("13100", "Aix-en-Provence"), ("13400", "Aubagne"), ("13600", "La Ciotat"))),
    "nice": ("04 93", (("06000", "Nice"), ("06300", "Nice"), ("06400", "Cannes"), ("06600", "Antibes"),
                       ("06800", "Cagnes-sur-Mer"))),
}  # fmt: skip

# (for a man, for a woman)
CONTACT_ROLES = (
    ("Gérant", "Gérante"), ("Directeur général", "Directrice générale"),
    ("Directeur administratif et financier", "Directrice administrative et financière"),
    ("Responsable informatique", "Responsable informatique"), ("Comptable", "Comptable"),
    ("Assistant de direction", "Assistante de direction"), ("Office manager", "Office manager"),
    ("Responsable des achats", "Responsable des achats"), ("Associé", "Associée"),
)  # fmt: skip
